import { createArmSites } from '../src/azure/index.js';
import { loadConfig } from '../src/config/index.js';
import { sweepSubscription } from '../src/enforcer/index.js';
import { emulatorCredential, generatedSubscriptionId, makeEmulatorToken, startEmulator } from '../src/emulator/index.js';
import { startAzurite } from '../src/local/azurite.js';
import { forEachLimited } from '../src/shared/forEachLimited.js';
import { createRuntime } from '../src/triggers/index.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SweepBenchResult {
  subscriptions: number;
  sites: number;
  latencyMs: number;
  wallMs: number;
  armCalls: number;
  perSiteGets: number;
  evaluated: number;
  peakRssMb: number;
}

/** A fleet swept the way the queue workers do it (one subscription each, all at once), at a given ARM latency. */
export async function benchSweep(subscriptions: number, sitesPerSubscription: number, latencyMs: number): Promise<SweepBenchResult> {
  const azurite = await startAzurite({ table: true });
  const emu = await startEmulator({ latencyMs });
  emu.state.generate({ subscriptions, sitesPerSubscription, slotEvery: 10, nonCompliantFraction: 0.1 });
  try {
    const ca = join(await mkdtemp(join(tmpdir(), 'bench-')), 'ca.pem');
    await writeFile(ca, emu.caCertPem);
    const token = makeEmulatorToken({ oid: 'bench-enforcer' });
    const { deps } = await createRuntime(loadConfig({ MTLS_STORAGE_CONNECTION: azurite.connectionString, MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: ca, MTLS_ARM_TOKEN: token }), () => undefined);
    const lister = createArmSites({ endpoint: emu.url, credential: emulatorCredential(token), caCertPem: emu.caCertPem });
    emu.stats.reset();
    let evaluated = 0;
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const subs = Array.from({ length: subscriptions }, (_, i) => generatedSubscriptionId(i));
    await forEachLimited(subs, subscriptions, async (sub) => {
      const result = await sweepSubscription(deps, lister, sub, { id: 'bench', startedAt: new Date().toISOString() });
      evaluated += result.evaluated;
    });
    const wallMs = performance.now() - started;
    clearInterval(timer);
    const counts = emu.stats.counts;
    return {
      subscriptions, sites: subscriptions * sitesPerSubscription, latencyMs, wallMs, evaluated,
      armCalls: emu.stats.total(), perSiteGets: (counts['GET site'] ?? 0) + (counts['GET slot'] ?? 0), peakRssMb: Math.round(peak / 2 ** 20),
    };
  } finally {
    await emu.stop();
    await azurite.stop();
  }
}
