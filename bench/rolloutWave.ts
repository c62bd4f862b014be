import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/index.js';
import { applyWave, createRolloutPlan, setSubscriptionSettings, silentLog, sweepSubscription } from '../src/enforcer/index.js';
import { createRuntime } from '../src/triggers/index.js';
import { makeEmulatorToken, startEmulator, type SiteSeed } from '../tools/arm-emulator/src/emulator/index.js';
import { startAzurite } from '../tools/arm-emulator/src/local/azurite.js';
import { caFile, machine } from './common.js';

/**
 * One rollout wave of N apps against the emulator at a fixed latency (default 200 apps, 30 ms):
 * `node --import tsx bench/rolloutWave.ts [--apps=200] [--latency=30] [--no-throttle]`.
 * Prints the wave's duration and its ARM calls by operation, measured at the emulator.
 */
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const apps = arg('apps', 200);
const latencyMs = arg('latency', 30);
const throttle = !process.argv.includes('--no-throttle');
const SUB = 'b0b0b0b0-0000-4000-8000-00000000b0b0';
const ENFORCER = { oid: 'enf00000-0000-4000-8000-00000000e0f0', appid: 'enf00000-0000-4000-8000-0000000000a1', name: 'mtls-enforcer' };

const sites: SiteSeed[] = Array.from({ length: apps }, (_, i) => ({
  resourceGroup: `rg-${i % 10}`, name: `app-${i}`, clientCertEnabled: false,
  ...(i % 3 === 0 ? { publicNetworkAccess: 'Disabled' } : {}), tags: { env: i % 2 === 0 ? 'prod' : 'dev', owner: `team-${i % 7}` },
}));

const azurite = await startAzurite({ table: true });
const emu = await startEmulator({ latencyMs, ...(throttle ? {} : { throttle: false }), seed: { subscriptions: [{ id: SUB, sites }] } });
try {
  const env = {
    MTLS_STORAGE_CONNECTION: azurite.connectionString, MTLS_TABLE_PREFIX: `b${randomUUID().replace(/-/g, '').slice(0, 10)}`, MTLS_ARM_ENDPOINT: emu.url,
    MTLS_ARM_CA_CERT_PATH: await caFile(emu.caCertPem), MTLS_ARM_TOKEN: makeEmulatorToken(ENFORCER), MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid, MTLS_ENFORCER_APP_ID: ENFORCER.appid,
  };
  const { deps, arm, config } = await createRuntime(loadConfig(env), silentLog);
  await setSubscriptionSettings(deps, { subscriptionId: SUB, mode: 'enforce', by: 'bench' });
  await sweepSubscription(deps, arm, SUB, { id: 'bench-baseline', startedAt: new Date().toISOString() });
  const { plan } = await createRolloutPlan(deps, { subscriptions: [SUB], waveSize: apps, firstWaveAt: new Date(Date.now() - 1000), everyMs: 86_400_000, auto: false, rules: config.rollout, by: 'bench' });
  emu.stats.reset();
  const started = performance.now();
  const result = await applyWave(deps, arm, { planId: plan.id, wave: 1, by: 'bench', failureThreshold: config.rollout.failureThreshold });
  const seconds = (performance.now() - started) / 1000;
  const out = { apps, latencyMs, throttle, seconds: Math.round(seconds * 100) / 100, status: result.status, counts: result.counts, armCalls: emu.stats.counts, throttled: emu.stats.throttled, machine: machine() };
  console.log(JSON.stringify(out, null, 2));
} finally {
  await emu.stop();
  await azurite.stop();
}
