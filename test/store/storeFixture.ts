import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTableStore, type TableStore } from '../../src/store/index.js';
import type { Finding, HistoryEntry } from '../../src/model/index.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import type { ProvidedAzurite } from '../support/globalSetup.js';

/**
 * The connection string of the run's shared Azurite (global setup), or, when the global setup
 * is not configured, of a private one started for this file.
 */
export function useAzurite(): () => string {
  let own: Azurite | undefined;
  let connectionString = (inject('azurite') as ProvidedAzurite | undefined)?.connectionString;
  beforeAll(async () => {
    if (connectionString) return;
    own = await startAzurite({ table: true });
    connectionString = own.connectionString;
  });
  afterAll(async () => {
    await own?.stop();
  });
  return () => {
    if (!connectionString) throw new Error('Azurite is not started yet: call inside a test or hook');
    return connectionString;
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Tests share one Azurite and isolate themselves by table prefix. */
export function uniquePrefix(): string {
  return `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function newStore(connectionString: string): TableStore {
  return createTableStore({ connectionString, prefix: uniquePrefix(), allowInsecureConnection: true });
}

export const SUB_A = '00000000-0000-0000-0000-00000000000a';
export const SUB_B = '00000000-0000-0000-0000-00000000000b';
export const SUB_C = '00000000-0000-0000-0000-00000000000c';

export function siteId(subscriptionId: string, resourceGroup: string, site: string, slot?: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${site}` + (slot ? `/slots/${slot}` : '');
}

export function sampleFinding(overrides: Partial<Finding> & { resourceId?: string } = {}): Finding {
  const resourceId = overrides.resourceId ?? siteId(SUB_A, 'Rg-One', 'app-1');
  return {
    key: resourceId.toLowerCase(),
    resourceId,
    subscriptionId: SUB_A,
    resourceGroup: 'Rg-One',
    site: 'app-1',
    status: 'noncompliant',
    reasons: [{ code: 'mode-not-required', message: 'clientCertMode is Optional (portal: "Allow"): clients without a certificate get in.' }],
    advice: ['Set clientCertMode to Required.'],
    clientCertEnabled: true,
    clientCertMode: 'Optional',
    lastCaller: { objectId: 'oid-1', appId: 'app-id-1', name: 'someone@example.com' },
    lastEventId: 'evt-1',
    firstNonCompliantAt: '2025-01-02T03:04:05.678Z',
    lastEvaluatedAt: '2025-01-02T03:04:05.678Z',
    lastChangedAt: '2025-01-02T03:04:05.678Z',
    source: 'event',
    ...overrides,
  };
}

export function sampleHistory(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  const resourceId = siteId(SUB_A, 'Rg-One', 'app-1');
  return {
    key: resourceId.toLowerCase(),
    resourceId,
    at: '2025-01-02T03:04:05.678Z',
    causeId: 'evt-1',
    action: 'evaluated',
    status: 'noncompliant',
    previousStatus: 'compliant',
    reasons: [{ code: 'client-cert-disabled', message: 'clientCertEnabled is false (portal: "Ignore").' }],
    caller: { objectId: 'oid-1' },
    correlationId: 'corr-1',
    source: 'event',
    ...overrides,
  };
}
