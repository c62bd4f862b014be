import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoFleet, startEmulator, type FleetSeed } from '../emulator/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export const EMULATOR_HELP = `Usage: mtls-enforcer emulator [--port <n>] [--seed demo|<file.json>] [--latency <ms>] [--no-throttle]

Run the ARM emulator: the subset of Azure Resource Manager the enforcer uses, over HTTPS with a
certificate generated at start (its path is printed: trust it with MTLS_ARM_CA_CERT_PATH).
Admin API under /admin/ (seed, write, webhooks, faults, stats).

Example:
  mtls-enforcer emulator --port 8443 --seed demo
`;

export async function emulatorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', default: '0' }, seed: { type: 'string' }, latency: { type: 'string', default: '0' }, 'no-throttle': { type: 'boolean' } },
  });
  const port = Number(values.port);
  const latencyMs = Number(values.latency);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${values.port}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new UsageError(`--latency must be a number of ms, got ${values.latency}`);
  const seed = values.seed ? await loadSeed(values.seed) : undefined;
  const emulator = await startEmulator({ port, latencyMs, ...(values['no-throttle'] ? { throttle: false } : {}), ...(seed ? { seed } : {}) });
  const dir = await mkdtemp(join(tmpdir(), 'mtls-emulator-'));
  const caPath = join(dir, 'emulator-ca.pem');
  await writeFile(caPath, emulator.caCertPem);
  const size = emulator.fleet.size();
  io.stdout(`ARM emulator on ${emulator.url} (${size.subscriptions} subscriptions, ${size.sites} sites, ${size.slots} slots)\nCA certificate: ${caPath}\n`);
  await io.untilStopped();
  await emulator.stop();
  return EXIT.ok;
}

async function loadSeed(source: string): Promise<FleetSeed> {
  if (source === 'demo') return demoFleet();
  try {
    return JSON.parse(await readFile(source, 'utf8')) as FleetSeed;
  } catch (err) {
    throw new UsageError(`cannot read seed ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
