import { InvocationContext } from '@azure/functions';
import { siteId, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import type { Finding, HistoryEntry } from '../../src/model/index.js';
import { planSweep, type EnforcerDeps } from '../../src/enforcer/index.js';
import type { SweepJob } from '../../src/model/index.js';
import { handleSweepJob, type Runtime } from '../../src/triggers/index.js';

/** A deterministic generator (mulberry32), so a failing storm can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FleetResource {
  subscriptionId: string;
  id: string;
  site: string;
  slot?: string;
}

/** `sites` apps per subscription, every `slotEvery`-th with a `staging` slot; all compliant to start. */
export function fleetOf(subscriptionIds: string[], sites: number, slotEvery: number) {
  const resources: FleetResource[] = [];
  const subscriptions = subscriptionIds.map((id, s) => ({
    id,
    sites: Array.from({ length: sites }, (_, i) => {
      const name = `s${s}-app-${i}`;
      resources.push({ subscriptionId: id, id: siteId(id, 'rg', name), site: name });
      const slots = i % slotEvery === 0 ? [{ name: 'staging', clientCertEnabled: true, clientCertMode: 'Required' }] : [];
      for (const slot of slots) resources.push({ subscriptionId: id, id: siteId(id, 'rg', name, slot.name), site: name, slot: slot.name });
      return { resourceGroup: 'rg', name, clientCertEnabled: true, clientCertMode: 'Required', slots };
    }),
  }));
  return { seed: { subscriptions }, resources };
}

/** The plain rule (DESIGN.md, "The control, exactly"), read straight from the emulator's state. */
export function groundTruth(emu: Emulator, r: FleetResource): 'compliant' | 'noncompliant' | 'deleted' {
  const record = r.slot ? emu.fleet.getSlot(r.subscriptionId, 'rg', r.site, r.slot) : emu.fleet.getSite(r.subscriptionId, 'rg', r.site);
  if (!record) return 'deleted';
  const { clientCertEnabled, clientCertMode } = record.properties as { clientCertEnabled?: unknown; clientCertMode?: unknown };
  return clientCertEnabled === true && clientCertMode === 'Required' ? 'compliant' : 'noncompliant';
}

export async function allFindings(deps: EnforcerDeps): Promise<Map<string, Finding>> {
  const out = new Map<string, Finding>();
  for await (const f of deps.findings.list()) out.set(f.key, f);
  return out;
}

/** The outcome a history row records: status and reason codes. */
const outcomeOf = (row: Pick<HistoryEntry, 'status' | 'reasons'>): string => `${row.status}:${row.reasons.map((r) => r.code).sort().join(',')}`;

/**
 * Rows that record no change: a row whose outcome equals the row before it (oldest first) repeats a
 * change already recorded. A `remediated` row records a write of its own (a drift reverted, possibly
 * before the drift itself was recorded); the PATCH-per-drift check accounts for those.
 */
export function repeatedRows(rowsNewestFirst: HistoryEntry[]): HistoryEntry[] {
  const rows = [...rowsNewestFirst].reverse();
  return rows.filter((row, i) => i > 0 && row.action !== 'remediated' && outcomeOf(row) === outcomeOf(rows[i - 1] as HistoryEntry));
}

/**
 * Plan a run and work its queue as the Functions host would: a job that throws comes back with
 * dequeueCount + 1, after `backoffMs` times its attempt count (the queue's visibility timeout).
 */
export async function sweep(rt: Runtime, subscriptions: string[], backoffMs = 0): Promise<{ runId: string; attempts: number }> {
  const queue: Array<{ job: SweepJob; dequeueCount: number }> = [];
  await planSweep(rt.deps, { send: async (job) => void queue.push({ job, dequeueCount: 1 }) }, subscriptions, 'test');
  const runId = queue[0]?.job.runId as string;
  let attempts = 0;
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      attempts++;
      const context = new InvocationContext({ functionName: 'sweepWorker', triggerMetadata: { dequeueCount: item.dequeueCount } });
      const failed = await handleSweepJob(rt.deps, rt.arm, item.job, context).then(() => false, () => true);
      if (!failed) continue;
      if (backoffMs > 0) await new Promise((r) => setTimeout(r, backoffMs * item.dequeueCount));
      queue.push({ job: item.job, dequeueCount: item.dequeueCount + 1 });
    }
  };
  await Promise.all([worker(), worker()]);
  return { runId, attempts };
}

/** Status and reason codes per resource, for the given subscriptions. */
export async function outcomes(rt: Runtime, subscriptions: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, f] of await allFindings(rt.deps)) if (subscriptions.includes(f.subscriptionId)) out[key] = `${f.status}:${f.reasons.map((r) => r.code).join(',')}`;
  return out;
}
