import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
  workspaces: string[];
};
const DEV_PACKAGE = JSON.parse(readFileSync(`${ROOT}tools/arm-emulator/package.json`, 'utf8')) as {
  name: string;
  private: boolean;
  dependencies: Record<string, string>;
};
const DEV_PACKAGE_DEPENDENCIES = Object.keys(DEV_PACKAGE.dependencies);

/**
 * Stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker provides at
 * run time (it is the host side, not an Azure SDK, and is never in node_modules in Azure).
 * `@azure/functions` v4 calls setProgrammingModel once, then registerFunction per function.
 */
const WORKER_STAND_IN = `
const registrations = [];
globalThis.__mtlsRegistrations = registrations;
module.exports = {
  setProgrammingModel(model) { globalThis.__mtlsModel = { name: model.name, version: model.version }; },
  registerFunction(metadata, callback) {
    registrations.push({ name: metadata.name, bindings: metadata.bindings, callback: typeof callback });
    return { dispose() {} };
  },
  registerHook() { return { dispose() {} }; },
};
`;

/** Run in the unpacked folder: load every entry point package.json's "main" names, as the worker does. */
const LOADER = `
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const main = JSON.parse(readFileSync('package.json', 'utf8')).main;
const dir = main.slice(0, main.lastIndexOf('/'));
const pattern = new RegExp('^' + main.slice(main.lastIndexOf('/') + 1).replace(/[.]/g, '\\\\.').replace(/[*]/g, '.*') + '$');
const files = readdirSync(dir).filter((f) => pattern.test(f)).sort();
for (const f of files) await import(pathToFileURL(resolve(dir, f)).href);
const require = createRequire(join(process.cwd(), 'loader.cjs'));
process.stdout.write(JSON.stringify({
  files,
  model: globalThis.__mtlsModel,
  registrations: globalThis.__mtlsRegistrations,
  resolved: require.resolve('@azure/functions'),
}));
`;

interface Registration {
  name: string;
  bindings: Record<string, Record<string, unknown>>;
  callback: string;
}

let work: string;
let unpacked: string;
let entries: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mtls-package-test-'));
  const zip = join(work, 'app.zip');
  const build = run(process.execPath, [`${ROOT}scripts/package.mjs`, '--out', zip], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  // The build (tsc, npm ci) runs beside the rest of the suite: at low priority it does not starve
  // other tests' timeouts. Its children (tsc, npm) inherit the niceness.
  try {
    if (build.child.pid) setPriority(build.child.pid, 15);
  } catch {
    // Not permitted on this platform: build at normal priority.
  }
  await build;
  const files = unzipSync(readFileSync(zip));
  entries = Object.keys(files).sort();
  unpacked = join(work, 'app');
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    const target = join(unpacked, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('holds host.json, package.json, the lockfile, compiled output and production dependencies only', () => {
    for (const name of ['host.json', 'package.json', 'package-lock.json']) expect(entries).toContain(name);
    expect(readFileSync(join(unpacked, 'host.json'), 'utf8')).toBe(readFileSync(`${ROOT}host.json`, 'utf8'));
    const topLevel = new Set(entries.map((e) => e.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json']);
    const distFolders = new Set(entries.filter((e) => e.startsWith('dist/')).map((e) => e.split('/')[1]));
    expect([...distFolders].sort()).toEqual(['functions', 'src']);
    expect(entries.filter((e) => e.startsWith('dist/') && !e.endsWith('.js'))).toEqual([]);
    for (const dep of Object.keys(pkg.dependencies)) expect(entries, dep).toContain(`node_modules/${dep}/package.json`);
    for (const dev of Object.keys(pkg.devDependencies)) expect(entries, dev).not.toContain(`node_modules/${dev}/package.json`);
    // The worker supplies this module at run time; shipping one would shadow it.
    expect(entries.some((e) => e.startsWith('node_modules/@azure/functions-core/'))).toBe(false);
  });

  it('carries nothing of the development package (tools/arm-emulator): no emulator, no local mode, no Azurite, no selfsigned', () => {
    for (const dep of DEV_PACKAGE_DEPENDENCIES) expect(entries, dep).not.toContain(`node_modules/${dep}/package.json`);
    expect(entries.filter((e) => e.startsWith(`node_modules/${DEV_PACKAGE.name}/`))).toEqual([]);
    expect(entries.filter((e) => /(^|\/)(emulator|local)(\/|$)/.test(e) && !e.startsWith('node_modules/'))).toEqual([]);
  });

  it('loads every entry point with only the packaged production dependencies, and every function registers with its trigger', async () => {
    // Nothing above the unpacked folder may offer a node_modules the child could fall back to.
    for (let dir = dirname(unpacked); ; dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
      if (dir === parse(dir).root) break;
    }
    const standIn = join(unpacked, 'node_modules', '@azure', 'functions-core');
    mkdirSync(standIn, { recursive: true });
    writeFileSync(join(standIn, 'package.json'), JSON.stringify({ name: '@azure/functions-core', main: 'index.js' }));
    writeFileSync(join(standIn, 'index.js'), WORKER_STAND_IN);
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', LOADER], {
      cwd: unpacked,
      env: { PATH: process.env.PATH ?? '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const loaded = JSON.parse(stdout) as { files: string[]; model: { name: string }; registrations: Registration[]; resolved: string };
    expect(loaded.resolved.startsWith(unpacked)).toBe(true);
    expect(loaded.files).toEqual(['api.js', 'health.js', 'notify.js', 'onEventGrid.js', 'onEventQueue.js', 'rollout.js', 'sweep.js']);
    expect(loaded.model.name).toBe('@azure/functions');

    const triggers = Object.fromEntries(
      loaded.registrations.map((r) => {
        const inputs = Object.values(r.bindings).filter((b) => b.direction === 'in' && String(b.type).endsWith('Trigger'));
        expect(inputs, r.name).toHaveLength(1);
        expect(r.callback, r.name).toBe('function');
        const { type, queueName, connection, schedule, route, methods, authLevel } = inputs[0] as Record<string, unknown>;
        return [r.name, JSON.parse(JSON.stringify({ type, queueName, connection, schedule, route, methods, authLevel }))];
      }),
    );
    expect(loaded.registrations).toHaveLength(Object.keys(triggers).length);
    expect(triggers).toEqual({
      onEventQueue: { type: 'queueTrigger', queueName: '%MTLS_EVENT_QUEUE%', connection: 'AzureWebJobsStorage' },
      onEventGrid: { type: 'eventGridTrigger' },
      sweepTimer: { type: 'timerTrigger', schedule: '%MTLS_SWEEP_SCHEDULE%' },
      sweepWorker: { type: 'queueTrigger', queueName: '%MTLS_SWEEP_QUEUE%', connection: 'AzureWebJobsStorage' },
      settings: { type: 'httpTrigger', route: 'settings/{subscriptionId?}', methods: ['GET', 'PUT'], authLevel: 'function' },
      exemptions: { type: 'httpTrigger', route: 'exemptions', methods: ['GET', 'PUT', 'DELETE'], authLevel: 'function' },
      findings: { type: 'httpTrigger', route: 'findings', methods: ['GET'], authLevel: 'function' },
      report: { type: 'httpTrigger', route: 'report', methods: ['GET'], authLevel: 'function' },
      rollouts: { type: 'httpTrigger', route: 'rollouts/{planId?}', methods: ['GET'], authLevel: 'function' },
      rolloutWaveApply: { type: 'httpTrigger', route: 'rollouts/{planId}/waves/{wave}/apply', methods: ['POST'], authLevel: 'function' },
      rolloutTimer: { type: 'timerTrigger', schedule: '%MTLS_ROLLOUT_SCHEDULE%' },
      healthTimer: { type: 'timerTrigger', schedule: '0 */15 * * * *' },
      notifyTimer: { type: 'timerTrigger', schedule: '0 * * * * *' },
    });
  });
});

describe('the development package stays out of the product', () => {
  it('is a private workspace whose dependencies (Azurite, selfsigned) are none of the product\'s', () => {
    expect(DEV_PACKAGE.private).toBe(true);
    expect(pkg.workspaces).toEqual(['tools/arm-emulator']);
    expect(DEV_PACKAGE_DEPENDENCIES).toEqual(expect.arrayContaining(['azurite', 'selfsigned']));
    for (const dep of DEV_PACKAGE_DEPENDENCIES) {
      expect(Object.keys(pkg.dependencies), dep).not.toContain(dep);
      expect(Object.keys(pkg.devDependencies), dep).not.toContain(dep);
    }
  });

  it('npm pack lists no file of it (files: compiled product, bin, infra; never dist/tools or tools/)', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as [{ files: Array<{ path: string }> }];
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('bin/mtls-enforcer.js');
    expect(paths.filter((p) => p.startsWith('tools/') || p.startsWith('dist/tools/'))).toEqual([]);
    expect(pkg.files.filter((f) => f.startsWith('tools') || f === 'dist' || f.startsWith('dist/tools'))).toEqual([]);
  });
});
