import { TableClient } from '@azure/data-tables';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { createArmCredential, trustExtraCaPolicy } from '../src/azure/index.js';
import { loadConfig } from '../src/config/index.js';
import { makeEmulatorToken, startEmulator } from '../src/emulator/index.js';
import { startLocalHost } from '../src/host/index.js';
import { startAzurite } from '../src/local/azurite.js';
import { createRuntime } from '../src/triggers/index.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUB = 'be0c0000-0000-4000-8000-000000000001';
const ENFORCER = { oid: 'bench-enforcer', appid: 'bench-app' };

export interface EventPathResult {
  events: number;
  mode: string;
  p50: number;
  p95: number;
  p99: number;
  meanMs: number;
  floorMeanMs: number;
  overhead: number;
  throughputPerSecond: number;
}

/**
 * Write-to-finding on the local stack: a user write on the emulator → Event Grid delivery → local
 * host → re-read → evaluate → Azurite. Floor: the same number of bare SDK GETs + table upserts.
 */
export async function benchEventPath(events: number, mode: 'audit' | 'enforce'): Promise<EventPathResult> {
  const azurite = await startAzurite({ table: true });
  const emu = await startEmulator({ throttle: false, seed: { subscriptions: [{ id: SUB, sites: Array.from({ length: 50 }, (_, i) => ({ resourceGroup: 'rg', name: `app-${i}`, clientCertEnabled: true, clientCertMode: 'Required' })) }] } });
  try {
    const ca = join(await mkdtemp(join(tmpdir(), 'bench-')), 'ca.pem');
    await writeFile(ca, emu.caCertPem);
    const config = loadConfig({ MTLS_STORAGE_CONNECTION: azurite.connectionString, MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: ca, MTLS_ARM_TOKEN: makeEmulatorToken(ENFORCER), MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid, MTLS_DEFAULT_MODE: mode });
    const { deps } = await createRuntime(config, () => undefined);
    const host = await startLocalHost({ deps, key: 'bench-key-0123456789abcdef' });
    await emu.subscribeWebhook({ url: host.webhookUrl, schema: 'eventgrid' });
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      const t0 = performance.now();
      emu.userWrite(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app-${i % 50}`, { clientCertEnabled: i % 2 === 1 }, { objectId: 'bench-user', name: 'bench@example.com' });
      await emu.idle();
      latencies.push(performance.now() - t0);
    }
    const total = performance.now() - started;
    const floorMeanMs = await floor(emu.url, emu.caCertPem, azurite.connectionString, events);
    await host.stop();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] as number;
    const meanMs = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    return { events, mode, p50: pct(50), p95: pct(95), p99: pct(99), meanMs, floorMeanMs, overhead: meanMs / floorMeanMs, throughputPerSecond: (events / total) * 1000 };
  } finally {
    await emu.stop();
    await azurite.stop();
  }
}

/** The floor: one ARM GET and one table upsert per event, straight through the SDKs, nothing else. */
async function floor(url: string, caPem: string, connectionString: string, events: number): Promise<number> {
  const client = new WebSiteManagementClient(await createArmCredential({ staticToken: 'floor' }), SUB, {
    endpoint: url,
    additionalPolicies: [{ policy: trustExtraCaPolicy(caPem), position: 'perCall' }],
  });
  const table = TableClient.fromConnectionString(connectionString, 'BenchFloor', { allowInsecureConnection: true });
  await table.createTable();
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const site = await client.webApps.get('rg', `app-${i % 50}`);
    await table.upsertEntity({ partitionKey: SUB, rowKey: `app-${i % 50}`, enabled: site.clientCertEnabled ?? false }, 'Replace');
  }
  return (performance.now() - started) / events;
}
