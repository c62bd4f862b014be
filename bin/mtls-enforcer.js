#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build; npm start builds first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('mtls-enforcer: not built yet: run `npm run build` first\n');
  process.exit(3);
}
const { runCli, processIo } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2), processIo());
