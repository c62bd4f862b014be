import { loadConfig } from '../../src/config/index.js';
import type { EnforcerDeps, SiteLister } from '../../src/enforcer/index.js';
import type { ClientCertPatch, SiteReader, SiteWriter } from '../../src/model/index.js';
import { parseSiteId, type SiteRef, type SiteSnapshot } from '../../src/policy/index.js';
import { createMemoryStore, type MemoryStore } from '../../src/store/index.js';

export const SUB = 'a11e0000-0000-4000-8000-000000000001';
export const ENFORCER_OID = 'a11e0000-0000-4000-8000-00000000e0f0';
export const USER = { objectId: 'a11e0000-0000-4000-8000-0000000000a1', name: 'user@contoso.example' };

export function siteIdOf(name: string, slot?: string, resourceGroup = 'rg'): string {
  return `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${name}` + (slot ? `/slots/${slot}` : '');
}

export function refOf(name: string, slot?: string): SiteRef {
  const ref = parseSiteId(siteIdOf(name, slot));
  if (!ref) throw new Error(`${name} does not parse`);
  return ref;
}

/**
 * ARM's sites held in memory, behind the ports the use cases take (SiteReader, SiteWriter and the
 * sweep's SiteLister): every GET, list and PATCH counted, a PATCH applied at once (or refused
 * with the error given to `refuseNextPatch`).
 */
export class MemoryArm implements SiteReader, SiteWriter, SiteLister {
  readonly sites = new Map<string, SiteSnapshot>();
  readonly patches: Array<{ key: string; patch: ClientCertPatch; correlationId?: string }> = [];
  gets = 0;
  lists = 0;
  private refusal: Error | undefined;
  /** Runs after a PATCH landed and before it is answered (e.g. a user drifting the app again). */
  afterPatch: ((ref: SiteRef) => void) | undefined;

  /** Create or change a site or slot (what a user's write does). */
  set(name: string, fields: Partial<SiteSnapshot> = {}, slot?: string): SiteRef {
    const ref = refOf(name, slot);
    const current = this.sites.get(ref.key);
    this.sites.set(ref.key, {
      id: ref.id, name: slot ? `${name}/${slot}` : name, isSlot: !!slot, kind: 'app', sku: 'Standard',
      clientCertEnabled: true, clientCertMode: 'Required', ...current, ...fields,
    });
    return ref;
  }

  remove(name: string, slot?: string): void {
    this.sites.delete(refOf(name, slot).key);
  }

  refuseNextPatch(err: Error): void {
    this.refusal = err;
  }

  async getSite(ref: SiteRef): Promise<SiteSnapshot | undefined> {
    this.gets++;
    const site = this.sites.get(ref.key);
    return site && structuredClone(site);
  }

  async patchClientCert(ref: SiteRef, patch: ClientCertPatch, options?: { correlationId?: string }): Promise<SiteSnapshot> {
    this.patches.push({ key: ref.key, patch: { ...patch }, ...(options?.correlationId ? { correlationId: options.correlationId } : {}) });
    const refusal = this.refusal;
    this.refusal = undefined;
    if (refusal) throw refusal;
    const site = this.sites.get(ref.key);
    if (!site) throw new Error(`PATCH of a missing site ${ref.id}`);
    this.sites.set(ref.key, { ...site, ...patch });
    const answered = structuredClone(this.sites.get(ref.key) as SiteSnapshot);
    this.afterPatch?.(ref);
    return answered;
  }

  async *listSites(subscriptionId: string): AsyncIterable<SiteSnapshot> {
    this.lists++;
    for (const site of [...this.sites.values()]) {
      if (!site.isSlot && parseSiteId(site.id)?.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()) yield structuredClone(site);
    }
  }

  async *listSlots(parent: SiteRef): AsyncIterable<SiteSnapshot> {
    this.lists++;
    for (const site of [...this.sites.values()]) {
      if (site.isSlot && site.id.toLowerCase().startsWith(`${parent.key}/slots/`)) yield structuredClone(site);
    }
  }
}

/** A clock the test moves: each reading is 1 ms after the one before (so recordings made in order are ordered), `advance` jumps. */
export class TestClock {
  private ms: number;
  constructor(start = '2026-12-04T10:00:00.000Z') {
    this.ms = Date.parse(start);
  }
  now = (): Date => new Date(this.ms++);
  advance(ms: number): void {
    this.ms += ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

export interface MemoryWorld {
  deps: EnforcerDeps;
  store: MemoryStore;
  arm: MemoryArm;
  clock: TestClock;
  logs: Array<{ level: string; message: string }>;
}

/** Use-case deps over the memory store, MemoryArm and a TestClock: no network, no process, no timer. */
export function memoryWorld(env: Record<string, string> = {}): MemoryWorld {
  const config = loadConfig({ MTLS_ARM_ENDPOINT: 'https://127.0.0.1:9', MTLS_DEFAULT_MODE: 'audit', MTLS_ENFORCER_OBJECT_ID: ENFORCER_OID, ...env }, { requireStorage: false });
  const store = createMemoryStore();
  const arm = new MemoryArm();
  const clock = new TestClock();
  const logs: MemoryWorld['logs'] = [];
  let ids = 0;
  const deps: EnforcerDeps = {
    ...store, sites: arm, writer: arm, register: store.exemptionRegister,
    policy: config.policy, remediation: config.remediation,
    clock: clock.now, newId: () => `id-${++ids}`, log: (level, message) => logs.push({ level, message }),
  };
  return { deps, store, arm, clock, logs };
}
