#!/usr/bin/env node
// `npm run package [-- --out file.zip]`: the zip `az functionapp deployment source config-zip`
// takes — host.json, package.json, package-lock.json, the compiled dist/ (src and functions only)
// and production node_modules installed from the lockfile. Written with fflate (no zip binary).
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Zip, ZipDeflate } from 'fflate';

const root = fileURLToPath(new URL('..', import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1] : join(root, 'dist', 'function-app.zip'));
// A fixed timestamp: the same sources and lockfile give the same zip.
const MTIME = new Date('2020-01-01T00:00:00Z');

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' && !command.endsWith('.js') });
  if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** Every regular file under dir (symlinks and node_modules/.bin left out), relative to base, '/'-separated. */
function filesUnder(base, dir) {
  const found = [];
  for (const entry of readdirSync(join(base, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.bin') continue;
      found.push(...filesUnder(base, path));
    } else if (entry.isFile()) found.push(path.split(sep).join('/'));
  }
  return found;
}

function writeZip(file, base, names) {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  let bytes = 0;
  let error;
  const zip = new Zip((err, chunk) => {
    if (err) error = err;
    else bytes += writeSync(fd, chunk);
  });
  for (const name of names) {
    const entry = new ZipDeflate(name, { level: 6, mtime: MTIME });
    zip.add(entry);
    entry.push(readFileSync(join(base, name)), true);
  }
  zip.end();
  closeSync(fd);
  if (error) throw error;
  return bytes;
}

const stage = mkdtempSync(join(tmpdir(), 'mtls-package-'));
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  console.log('package: compiling src/ and functions/');
  run(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(stage, 'dist'), '--sourceMap', 'false'], root);
  for (const name of ['host.json', 'package.json', 'package-lock.json']) copyFileSync(join(root, name), join(stage, name));
  console.log('package: installing production dependencies from package-lock.json');
  // Scripts stay off: `prepare` would build from sources that are not in the staging folder.
  // Workspaces off: the development package (tools/arm-emulator: emulator, local mode, Azurite,
  // selfsigned) is a workspace, and npm counts a workspace's dependencies as production ones.
  const npm = process.env.npm_execpath?.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
  run(npm[0], [...npm.slice(1), 'ci', '--omit=dev', '--workspaces=false', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], stage);
  const names = ['host.json', 'package.json', 'package-lock.json', ...filesUnder(stage, 'dist'), ...filesUnder(stage, 'node_modules')];
  const bytes = writeZip(out, stage, names);
  console.log(`package: ${relative(process.cwd(), out) || out}: ${names.length} files, ${(bytes / 1048576).toFixed(1)} MiB`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
