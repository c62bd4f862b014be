import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { EnforcerDeps, LogLevel } from '../../src/enforcer/index.js';
import { emulatorCredential, makeEmulatorToken, startEmulator, type Emulator, type EmulatorOptions, type FleetSeed, type RecordedWrite } from '../../tools/arm-emulator/src/emulator/index.js';
import { startLocalHost, type LocalHost } from '../../src/host/index.js';
import { createRuntime } from '../../src/triggers/index.js';

/** The enforcer's own identity on the emulator (what the loop guard recognises). */
export const ENFORCER = { oid: 'enf00000-0000-4000-8000-00000000e0f0', appid: 'enf00000-0000-4000-8000-0000000000a1', name: 'mtls-enforcer' };
export const HOST_KEY = 'test-host-key-0123456789abcdef';

/** The enforcer's client for App Service sites, on the stack's emulator: what sweeps and rollout waves read and write through. */
export const enforcerArmSites = (stack: Pick<Stack, 'emu'>): ReturnType<typeof createArmSites> => createArmSites({ endpoint: stack.emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: stack.emu.caCertPem });

/** The PATCHes ARM accepted from the enforcer's identity since the emulator's stats were last reset. */
export const enforcerPatches = (stack: Pick<Stack, 'emu'>): RecordedWrite[] => stack.emu.stats.writes.filter((w) => w.method === 'PATCH' && w.caller?.objectId === ENFORCER.oid);

export interface Stack {
  emu: Emulator;
  host: LocalHost;
  deps: EnforcerDeps;
  env: Record<string, string>;
  /** Every log line, with its structured fields (the telemetry the alert rules read). */
  logs: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }>;
  /** Every Event Grid event the emulator published, in order. */
  events: Array<Record<string, unknown>>;
  /** Wait until every event (including those the enforcer's own writes raise) is delivered and handled. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  seed?: FleetSeed;
  schema?: 'eventgrid' | 'cloudevents';
  env?: Record<string, string>;
  emulator?: EmulatorOptions;
  /** Subscribe the local host's webhook on the emulator (default true). */
  subscribe?: boolean;
  /** Serve the local host over HTTPS with requestCert (the API's certificate gate on the TLS peer); default plain HTTP. */
  tls?: { cert: string; key: string };
}

/**
 * The whole product on this machine: the ARM emulator (HTTPS), the shared Azurite (a table
 * prefix of its own), the local host with the real runtime, and Event Grid deliveries between them.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const azurite = inject('azurite');
  const events: Array<Record<string, unknown>> = [];
  const sink = options.emulator?.eventSink;
  const emu = await startEmulator({
    throttle: false,
    ...options.emulator,
    eventSink: (e) => {
      events.push(e);
      sink?.(e);
    },
    ...(options.seed ? { seed: options.seed } : {}),
  });
  const dir = await mkdtemp(join(tmpdir(), 'mtls-stack-'));
  const caPath = join(dir, 'ca.pem');
  await writeFile(caPath, emu.caCertPem);
  const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const env: Record<string, string> = {
    MTLS_STORAGE_CONNECTION: azurite.connectionString,
    MTLS_TABLE_PREFIX: prefix,
    // Stored reports in a container of the stack's own (the Azurite is shared).
    MTLS_REPORT_CONTAINER: `reports-${prefix}`,
    MTLS_ARM_ENDPOINT: emu.url,
    MTLS_ARM_CA_CERT_PATH: caPath,
    MTLS_ARM_TOKEN: makeEmulatorToken(ENFORCER),
    MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid,
    MTLS_ENFORCER_APP_ID: ENFORCER.appid,
    MTLS_HOST_KEY: HOST_KEY,
    ...options.env,
  };
  const logs: Stack['logs'] = [];
  const { deps, config } = await createRuntime(loadConfig(env), (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }));
  const host = await startLocalHost({ deps, key: HOST_KEY, access: config.api, ...(options.tls ? { tls: options.tls } : {}) });
  if (options.subscribe !== false) await emu.subscribeWebhook({ url: host.webhookUrl, schema: options.schema ?? 'eventgrid' });
  return {
    emu,
    host,
    deps,
    env,
    logs,
    events,
    settle: () => emu.idle(),
    stop: async () => {
      await emu.stop();
      await host.stop();
    },
  };
}

/** A person making a change on the emulator, as Azure would see them in `claims`. */
export const ALICE = { objectId: 'a11ce000-0000-4000-8000-000000000001', name: 'alice@contoso.example', appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46' };
export const PIPELINE = { objectId: 'b0b00000-0000-4000-8000-000000000002', appId: 'c0ffee00-0000-4000-8000-000000000003' };
