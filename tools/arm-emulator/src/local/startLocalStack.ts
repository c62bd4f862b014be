import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../../src/config/index.js';
import { newRunId, runSweepJob, setSubscriptionSettings, storeRunReport, type EnforcerDeps, type Log, type SiteLister } from '../../../../src/enforcer/index.js';
import type { SubscriptionRunRecord } from '../../../../src/model/index.js';
import { DEMO_SUBSCRIPTIONS, demoFleet, makeEmulatorToken, startEmulator, type Emulator } from '../emulator/index.js';
import { startLocalHost, type LocalHost } from '../../../../src/host/index.js';
import { createRuntime } from '../../../../src/triggers/index.js';
import { startAzurite, type Azurite } from './azurite.js';
import { startNotifyLoop } from './notifyLoop.js';
import { startRolloutLoop } from './rolloutLoop.js';
import { LOCAL_CERT_ROLES, makeLocalCertificates, type LocalCertificates } from './localCertificates.js';

/** The identity local mode gives the enforcer on the emulator (the loop guard knows it). */
export const LOCAL_ENFORCER = { oid: '0e0e0e0e-0000-4000-8000-00000000e0f0', appid: '0e0e0e0e-0000-4000-8000-0000000000a1', name: 'mtls-enforcer (local)' };

export interface LocalStack {
  azurite: Azurite;
  emulator: Emulator;
  host: LocalHost;
  deps: EnforcerDeps;
  hostKey: string;
  caCertPath: string;
  /** The local host's HTTPS: its CA, and the client certificates (every role; Reader) curl presents. */
  certificates: LocalCertificates;
  scans: SubscriptionRunRecord[];
  /** Where the first scan's report was stored (Azurite blob), when it was. */
  firstReport?: string;
  stop(): Promise<void>;
}

/** Notification settings local mode takes from the environment `npm start` runs in (the rest is its own). */
export interface LocalNotifyEnv {
  MTLS_NOTIFY?: string | undefined;
  MTLS_NOTIFY_DIGEST_MINUTES?: string | undefined;
}

/** How local mode runs Azure's timers (the notify timer's 2 s tick is fixed). */
export interface LocalTimers {
  /** The rollout timer's interval (default 10 s; Azure: MTLS_ROLLOUT_SCHEDULE, hourly). */
  rolloutEveryMs?: number;
}

/** Azurite + ARM emulator (demo fleet) + local host, wired as in Azure, with modes set, a first scan, and the notify and rollout timers on intervals. */
export async function startLocalStack(log: Log, ports: { host?: number; emulator?: number } = {}, notifyEnv: LocalNotifyEnv = {}, timers: LocalTimers = {}): Promise<LocalStack> {
  const azurite = await startAzurite({ table: true, queue: true, blob: true });
  const stops: Array<() => Promise<void>> = [() => azurite.stop()];
  try {
    const emulator = await startEmulator({ seed: demoFleet(), ...(ports.emulator ? { port: ports.emulator } : {}) });
    stops.unshift(() => emulator.stop());
    const dir = await mkdtemp(join(tmpdir(), 'mtls-local-'));
    const caCertPath = join(dir, 'emulator-ca.pem');
    await writeFile(caCertPath, emulator.caCertPem);
    const certificates = await makeLocalCertificates(dir);
    const hostKey = randomBytes(18).toString('base64url');
    const config = loadConfig({
      MTLS_STORAGE_CONNECTION: azurite.connectionString,
      MTLS_TABLE_PREFIX: 'Local',
      MTLS_ARM_ENDPOINT: emulator.url,
      MTLS_ARM_CA_CERT_PATH: caCertPath,
      MTLS_ARM_TOKEN: makeEmulatorToken(LOCAL_ENFORCER),
      MTLS_ENFORCER_OBJECT_ID: LOCAL_ENFORCER.oid,
      MTLS_ENFORCER_APP_ID: LOCAL_ENFORCER.appid,
      MTLS_HOST_KEY: hostKey,
      // The API's front door as in Azure: client certificates of the local client CA, mapped to roles.
      MTLS_API_CLIENT_CA: certificates.clientCa.cert,
      MTLS_API_CERT_ROLES: LOCAL_CERT_ROLES,
      MTLS_NOTIFY: notifyEnv.MTLS_NOTIFY,
      MTLS_NOTIFY_DIGEST_MINUTES: notifyEnv.MTLS_NOTIFY_DIGEST_MINUTES,
    });
    const runtime = await createRuntime(config, log);
    const { deps, arm } = runtime;
    const tls = { cert: certificates.server.cert, key: certificates.server.key };
    const host = await startLocalHost({ deps, key: hostKey, access: config.api, tls, ...(ports.host ? { port: ports.host } : {}) });
    stops.unshift(() => host.stop());
    // Event Grid cannot present a client certificate (in Azure events come through the queue); the emulator does, so the webhook stays behind the same gate.
    await emulator.subscribeWebhook({ url: host.webhookUrl, schema: 'eventgrid', caCertPem: certificates.hostCa.cert, clientCertificate: certificates.events });
    const { scans, firstReport } = await prepare(deps, arm, emulator);
    stops.unshift(startNotifyLoop(runtime, log));
    // --auto plans advance by themselves, as the rollout timer advances them in Azure.
    stops.unshift(startRolloutLoop(runtime, log, timers.rolloutEveryMs));
    return { azurite, emulator, host, deps, hostKey, caCertPath, certificates, scans, ...(firstReport ? { firstReport } : {}), stop: () => stopAll(stops) };
  } catch (err) {
    await stopAll(stops);
    throw err;
  }
}

async function prepare(deps: EnforcerDeps, lister: SiteLister, emulator: Emulator): Promise<{ scans: SubscriptionRunRecord[]; firstReport?: string }> {
  const by = 'local mode';
  await setSubscriptionSettings(deps, { subscriptionId: DEMO_SUBSCRIPTIONS.enforce, mode: 'enforce', by });
  await setSubscriptionSettings(deps, { subscriptionId: DEMO_SUBSCRIPTIONS.audit, mode: 'audit', by });
  await setSubscriptionSettings(deps, { subscriptionId: DEMO_SUBSCRIPTIONS.off, mode: 'off', by });
  // The first scan is a recorded sweep run, so the report (and `report --run latest`) has one from the start.
  const now = deps.clock();
  const run = { id: newRunId(now, 'local'), startedAt: now.toISOString() };
  const subscriptionIds = Object.values(DEMO_SUBSCRIPTIONS).map((s) => s.toLowerCase());
  await deps.sweeps.createRun({ ...run, trigger: 'local', subscriptionIds });
  const scans: SubscriptionRunRecord[] = [];
  for (const subscriptionId of subscriptionIds) scans.push(await runSweepJob(deps, lister, { runId: run.id, startedAt: run.startedAt, subscriptionId }));
  await emulator.idle();
  // Stored as a finished sweep's report is in Azure (Azurite's blob service here).
  const stored = await storeRunReport(deps, run.id);
  return { scans, ...(stored.location ? { firstReport: stored.location } : {}) };
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops) await stop().catch(() => undefined);
}
