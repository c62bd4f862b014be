import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createArmCredential, createArmSites, createSubscriptionLister, type ArmSites, type SubscriptionLister } from '../azure/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { EventWindow, type EnforcerDeps, type Log } from '../enforcer/index.js';
import { createReportBlobs, createSweepQueue, createTableStore, type BlobConnection, type MemoryStore, type NotifyOutbox, type QueueConnection } from '../store/index.js';
import type { SweepQueue } from '../model/index.js';

export interface Runtime {
  config: Config;
  deps: EnforcerDeps;
  /** The ARM adapter behind `deps.sites`, which also lists sites and slots (sweeps) and counts calls. */
  arm: ArmSites;
  sweepQueue: SweepQueue;
  /** Subscriptions the identity can read (sweep targets when none are configured). */
  subscriptions: SubscriptionLister;
  /** The storage account's queues (sweep fan-out, the event queue's poison queue). */
  queues: QueueConnection;
  /** The storage account's blob service (stored reports, Event Grid's dead-letters); absent without one. */
  blobs?: BlobConnection;
  /** The notification outbox (Table Storage only: a memory runtime notifies no one). */
  notifyOutbox?: NotifyOutbox;
  /** Where this process's concurrent queue invocations join to be worked together (see EventWindow). */
  eventWindow: EventWindow;
}

export interface RuntimeOptions {
  /** Record into this in-memory store instead of Table Storage (no storage account needed; no queue). */
  memory?: MemoryStore;
}

/** Composition root: config → adapters → the deps every use case takes. */
export async function createRuntime(config: Config, log: Log, options: RuntimeOptions = {}): Promise<Runtime> {
  const credential = await createArmCredential(config.arm);
  const caCertPem = config.arm.caCertPath ? await readFile(config.arm.caCertPath, 'utf8') : undefined;
  const armTls = caCertPem ? { caCertPem } : {};
  const sites = createArmSites({ endpoint: config.arm.endpoint, credential, ...armTls });
  const store = options.memory ?? createTableStore(storeOptions(config, credential));
  const deps: EnforcerDeps = {
    sites,
    findings: store.findings,
    history: store.history,
    processedEvents: store.processedEvents,
    exemptions: store.exemptions,
    policy: config.policy,
    writer: sites,
    settings: store.settings,
    leases: store.leases,
    sweeps: store.sweeps,
    rollouts: store.rollouts,
    rollout: config.rollout,
    register: store.exemptionRegister,
    remediation: config.remediation,
    clock: () => new Date(),
    newId: () => randomUUID(),
    log,
  };
  const blobs = options.memory ? undefined : blobConnection(config, credential);
  if (blobs) deps.reports = createReportBlobs({ container: config.reports.container, ...blobs });
  const notifyOutbox = options.memory ? undefined : (store as ReturnType<typeof createTableStore>).notifyOutbox;
  if (notifyOutbox && config.notify.channels.length > 0) deps.notices = { runFinished: (notice) => notifyOutbox.addRunNotice(notice) };
  const { connectionString } = config.storage;
  const queues: QueueConnection = connectionString ? { connectionString } : { accountUrl: config.sweep.queueUrl ?? '', credential };
  const sweepQueue: SweepQueue = options.memory
    ? { send: () => Promise.reject(new Error('no sweep queue: this runtime keeps its records in memory')) }
    : createSweepQueue({ queueName: config.sweep.queue, ...queues });
  const subscriptions = createSubscriptionLister({ endpoint: config.arm.endpoint, credential, ...armTls });
  return { config, deps, arm: sites, sweepQueue, subscriptions, queues, ...(blobs ? { blobs } : {}), ...(notifyOutbox ? { notifyOutbox } : {}), eventWindow: new EventWindow() };
}

function storeOptions(config: Config, credential: Awaited<ReturnType<typeof createArmCredential>>): Parameters<typeof createTableStore>[0] {
  const { connectionString, tableUrl, tablePrefix } = config.storage;
  const outbox = config.notify.channels.length > 0;
  if (connectionString) {
    return { connectionString, prefix: tablePrefix, outbox, allowInsecureConnection: /TableEndpoint=http:|UseDevelopmentStorage=true/i.test(connectionString) };
  }
  return { accountUrl: tableUrl as string, credential, prefix: tablePrefix, outbox };
}

let shared: Promise<Runtime> | undefined;

/**
 * The process-wide runtime for Azure Functions, built on first invocation (not at import, so a
 * cold start only pays for what its trigger uses). A failed build is not cached.
 */
export function sharedRuntime(log: Log): Promise<Runtime> {
  if (!shared) {
    shared = createRuntime(loadConfig(), log);
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

/** The storage account's blob service: the connection string's, or the blob URL with managed identity. */
function blobConnection(config: Config, credential: Awaited<ReturnType<typeof createArmCredential>>): BlobConnection | undefined {
  const { blobUrl } = config.reports;
  const { connectionString } = config.storage;
  // A connection string naming endpoints without a blob one (a table-only Azurite) has no blob service.
  if (connectionString && /Endpoint=/i.test(connectionString) && !/BlobEndpoint=/i.test(connectionString)) return undefined;
  if (connectionString) return { connectionString };
  return blobUrl ? { accountUrl: blobUrl, credential } : undefined;
}
