import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoFleet } from './demoFleet.js';
import { startEmulator } from './emulator.js';
import type { FleetSeed } from './seed.js';
import type { EmulatorOptions } from './state.js';

export const EMULATOR_USAGE = `Usage: mtls-enforcer emulator [--port <n>] [--host <ip>] [--seed demo|<file.json>]
         [--generate <subscriptions>x<sites>] [--latency <ms>] [--page-size <n>] [--no-throttle]
         [--event-schema eventgrid|cloudevents] [--admin-key <key>]

Runs the ARM emulator over HTTPS with a certificate made at start; its CA file is printed
(point MTLS_ARM_CA_CERT_PATH at it). Admin API under /admin/. Stops on Ctrl-C (SIGINT) or SIGTERM.

Example:
  mtls-enforcer emulator --port 8443 --seed demo

Against a running emulator, 'mtls-enforcer emulator write <resourceId> --url <url>' changes a site as
a user would (see 'mtls-enforcer emulator write --help').
`;

export interface EmulatorCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the emulator should stop. Default: the first SIGINT or SIGTERM. */
  untilStopped(): Promise<void>;
}

class UsageError extends Error {}

/** `mtls-enforcer emulator ...`: start, print URL and CA path, run until stopped. Returns the exit code (0, or 2 on bad usage). */
export async function runEmulatorCommand(argv: string[], io: EmulatorCommandIo = processIo()): Promise<number> {
  let parsed: ParsedCommand | 'help';
  let seed: FleetSeed | undefined;
  try {
    parsed = parseCommand(argv);
    if (parsed !== 'help' && parsed.seedSource) seed = await loadSeed(parsed.seedSource);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`${err.message}\n\n${EMULATOR_USAGE}`);
    return 2;
  }
  if (parsed === 'help') return (io.stdout(EMULATOR_USAGE), 0);
  await serve(parsed, seed, io);
  return 0;
}

/** Runs until `io.untilStopped()` resolves; the CA file lives in a temp folder removed at the end. */
async function serve(parsed: ParsedCommand, seed: FleetSeed | undefined, io: EmulatorCommandIo): Promise<void> {
  const emulator = await startEmulator({ ...parsed.options, ...(seed ? { seed } : {}) });
  const dir = await mkdtemp(join(tmpdir(), 'mtls-emulator-'));
  try {
    if (parsed.generate) emulator.state.generate(parsed.generate);
    const caPath = join(dir, 'emulator-ca.pem');
    await writeFile(caPath, emulator.caCertPem, { mode: 0o644 });
    const size = emulator.fleet.size();
    io.stdout(`ARM emulator on ${emulator.url} (${size.subscriptions} subscriptions, ${size.sites} sites, ${size.slots} slots)\n`);
    io.stdout(`CA certificate: ${caPath}\nadmin API: ${emulator.url}/admin/stats\n`);
    await io.untilStopped();
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
  io.stdout('ARM emulator stopped\n');
}

interface ParsedCommand {
  options: EmulatorOptions;
  seedSource?: string;
  generate?: { subscriptions: number; sitesPerSubscription: number };
}

function parseCommand(argv: string[]): ParsedCommand | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, seed: { type: 'string' },
        generate: { type: 'string' }, latency: { type: 'string', default: '0' }, 'page-size': { type: 'string', default: '50' },
        'no-throttle': { type: 'boolean' }, 'event-schema': { type: 'string', default: 'eventgrid' }, 'admin-key': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  const schema = values['event-schema'];
  if (schema !== 'eventgrid' && schema !== 'cloudevents') throw new UsageError(`--event-schema must be eventgrid or cloudevents, got ${schema}`);
  const options: EmulatorOptions = {
    port: integer('--port', values.port, 0, 65535),
    host: values.host,
    latencyMs: integer('--latency', values.latency, 0, 600_000),
    pageSize: integer('--page-size', values['page-size'], 1, 5000),
    eventSchema: schema,
    ...(values['no-throttle'] ? { throttle: false as const } : {}),
    ...(values['admin-key'] ? { adminKey: values['admin-key'] } : {}),
  };
  return { options, ...(values.seed ? { seedSource: values.seed } : {}), ...(values.generate ? { generate: parseGenerate(values.generate) } : {}) };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${text}`);
  return n;
}

function parseGenerate(text: string): { subscriptions: number; sitesPerSubscription: number } {
  const m = /^(\d+)x(\d+)$/i.exec(text);
  if (!m) throw new UsageError(`--generate takes <subscriptions>x<sites>, e.g. 10x1000, got ${text}`);
  return { subscriptions: integer('--generate', m[1] as string, 1, 10_000), sitesPerSubscription: integer('--generate', m[2] as string, 0, 1_000_000) };
}

async function loadSeed(source: string): Promise<FleetSeed> {
  if (source === 'demo') return demoFleet();
  let seed: unknown;
  try {
    seed = JSON.parse(await readFile(source, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read seed ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof seed !== 'object' || seed === null || !Array.isArray((seed as FleetSeed).subscriptions)) {
    throw new UsageError(`seed ${source} must be a JSON object with subscriptions: [...]`);
  }
  return seed as FleetSeed;
}

function processIo(): EmulatorCommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    untilStopped: () =>
      new Promise((resolve) => {
        const done = () => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          resolve();
        };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      }),
  };
}
