import { evaluate } from '../policy/index.js';
import { parseSiteId, type SiteRef } from '../policy/index.js';
import type { SiteSnapshot, Status, Verdict } from '../policy/index.js';
import { forEachLimited } from '../shared/index.js';
import type { ExemptionRecord, Finding, HistoryEntry } from '../model/index.js';
import { assessAndAct } from './assess.js';
import { listExemptions } from './manageExemptions.js';
import type { EnforcerDeps } from './deps.js';
import { registerExemptionsFor } from '../policy/index.js';
import { DeliveryWrites } from './deliveryWrites.js';
import { buildFinding, deletedVerdict, historyEntry, outcomeChanged } from './findingBuilder.js';
import { record, type Cause } from './recordEvaluation.js';
import { subscriptionContext, type SubscriptionContext } from './subscriptionContext.js';
import { recordSweepBaseline } from './sweepBaseline.js';

/** Lists a subscription's sites (the list payload carries the client-cert fields) and each site's slots. */
export interface SiteLister {
  listSites(subscriptionId: string): AsyncIterable<SiteSnapshot>;
  listSlots(site: SiteRef): AsyncIterable<SiteSnapshot>;
  /** A resource group's sites and their slots in one listing (`includeSlots=true`), when the lister can. */
  listGroupWithSlots?(subscriptionId: string, resourceGroup: string): AsyncIterable<SiteSnapshot>;
  /**
   * Run `work`, counting the ARM requests it alone sends (the lists here and the drift path's reads
   * and writes; not those of work running beside it), when the lister can: a sweep job's `armCalls`.
   */
  countRequests?<T>(work: () => Promise<T>): Promise<{ value: T; requests: number }>;
}

export interface SweepOptions {
  /** Slot listings in flight at once for this subscription (ARM read budget). Default 8. */
  concurrency?: number;
  /**
   * Table operations (a finding, its history row) per batched write (transactions of ≤100 per
   * partition underneath, a finding never apart from its history row). Default 100: one full
   * transaction; staging more only holds more rows in memory per subscription at once.
   */
  flushEvery?: number;
  /** Called after each site or slot is evaluated (progress on a terminal). */
  onEvaluated?: () => void;
}

export interface SubscriptionSweepResult {
  subscriptionId: string;
  mode: string;
  counts: Partial<Record<Status, number>>;
  /**
   * Of `counts.noncompliant`, the apps that are baseline debt (left for a rollout wave, policy's
   * isBaselineDebt as the assessment applies it); the rest is drift (what enforce reverts).
   */
  debt: number;
  evaluated: number;
  historyRows: number;
  deleted: number;
}

/** A finding waiting for the next batched write, with what is needed to redo it alone on conflict. */
interface Staged {
  finding: Finding;
  ref: SiteRef;
  snapshot: SiteSnapshot | undefined;
  verdict: Verdict;
  cause: Cause;
  previous: Finding | undefined;
  /** Its history row (if the outcome changed): written in the finding's transaction, or not at all. */
  history: HistoryEntry | undefined;
}

interface Sweep {
  deps: EnforcerDeps;
  context: SubscriptionContext;
  cause: Cause;
  existing: Map<string, Finding>;
  exemptions: ExemptionRecord[];
  pending: Staged[];
  /** Drift, judged after the batched writes through the event path's assessment; `observedAt` is its list read. */
  drifted: Array<{ ref: SiteRef; snapshot: SiteSnapshot; previous: Finding | undefined; observedAt: string }>;
  result: SubscriptionSweepResult;
  flushEvery: number;
  onEvaluated: (() => void) | undefined;
}

export interface SweepRun {
  id: string;
  /** The run's start: history rows carry it, so a redelivered sweep rewrites the same rows. */
  startedAt: string;
}

/**
 * The nightly sweep of one subscription: every site from the list payload (no per-site GET) and
 * every slot, evaluated in memory; findings written in batches, history only for changes, vanished
 * resources marked deleted. Drifted resources then go through the event path's assessment, so
 * audit, enforce, the loop and flap guards behave exactly as they do for events.
 */
export async function sweepSubscription(deps: EnforcerDeps, lister: SiteLister, subscriptionId: string, run: SweepRun, options: SweepOptions = {}): Promise<SubscriptionSweepResult> {
  const context = await subscriptionContext(deps, subscriptionId);
  const result: SubscriptionSweepResult = { subscriptionId, mode: context.mode, counts: {}, debt: 0, evaluated: 0, historyRows: 0, deleted: 0 };
  if (context.mode === 'off') return result;
  // The tables' side and the first ARM list page do not depend on each other: read them together.
  // The listing is then evaluated as it arrives, page by page, not collected first.
  const listedAt = deps.clock().toISOString();
  const listing = lister.listSites(subscriptionId)[Symbol.asyncIterator]();
  const [existing, exemptions, first] = await Promise.all([existingFindings(deps, subscriptionId), listExemptions(deps), listing.next()]);
  const sweep: Sweep = {
    deps, context, result, existing, exemptions,
    cause: { id: run.id, at: run.startedAt, source: 'sweep' },
    pending: [], drifted: [], flushEvery: options.flushEvery ?? 100, onEvaluated: options.onEvaluated,
  };
  const sites: SiteRef[] = [];
  for (let item = first; !item.done; item = await listing.next()) {
    const ref = await consider(sweep, item.value, listedAt);
    if (ref) sites.push(ref);
  }
  await listAllSlots(sweep, lister, sites, options.concurrency ?? 8);
  for (const previous of sweep.existing.values()) await markDeleted(sweep, previous);
  await flush(sweep, 0);
  // Drift is judged against the register as the sweep read it at its start, not re-read per resource.
  // Its findings are written as a delivery's are (DeliveryWrites): the rows of the handlers waiting
  // together go as transactions, each row still conditional on its version, a conflict still
  // retried alone by the recording. Only enforce's remediations call ARM: elsewhere the pass
  // runs a transaction's worth at once (50 findings with their history rows).
  const writes = new DeliveryWrites(deps.findings, 0);
  const sweepDeps: EnforcerDeps = { ...deps, findings: writes.port(), exemptions: { forResource: async (ref) => registerExemptionsFor(ref.key, sweep.exemptions) } };
  const driftConcurrency = context.mode === 'enforce' ? (options.concurrency ?? 8) : DRIFT_PAIRS_AT_ONCE;
  await forEachLimited(sweep.drifted, driftConcurrency, async ({ ref, snapshot, previous, observedAt }) => {
    writes.began();
    try {
      // The row as read at the start (its write stays conditional on that ETag) and the time of the
      // list read, so an event-path row from a later ARM read is kept, not overwritten.
      const { status, changed, remediation } = await assessAndAct(sweepDeps, ref, snapshot, { ...sweep.cause, observedAt }, context, { previous: Promise.resolve(previous) });
      if (changed) result.historyRows++;
      count(result, status);
      if (status === 'noncompliant' && remediation === 'rollout-pending') result.debt++;
    } finally {
      writes.finished();
    }
  });
  await recordSweepBaseline(deps, context, subscriptionId, run.id);
  return result;
}

/** Drifted rows judged at once outside enforce: a finding and its history row each, 100 operations. */
const DRIFT_PAIRS_AT_ONCE = 50;

/**
 * Every slot, in as few ARM calls as possible: one listing per resource group (sites and slots,
 * keeping the slots) when the sites share fewer groups than there are sites, else one per site.
 */
async function listAllSlots(sweep: Sweep, lister: SiteLister, sites: readonly SiteRef[], concurrency: number): Promise<void> {
  const groups = new Map<string, SiteRef>();
  for (const ref of sites) if (!groups.has(ref.resourceGroup.toLowerCase())) groups.set(ref.resourceGroup.toLowerCase(), ref);
  const listGroup = lister.listGroupWithSlots?.bind(lister);
  if (listGroup && groups.size < sites.length) {
    await forEachLimited([...groups.values()], concurrency, async (group) => {
      const listedAt = sweep.deps.clock().toISOString();
      for await (const item of listGroup(group.subscriptionId, group.resourceGroup)) {
        if (item.isSlot) await consider(sweep, item, listedAt);
      }
    });
    return;
  }
  await forEachLimited(sites, concurrency, async (ref) => {
    const listedAt = sweep.deps.clock().toISOString();
    for await (const slot of lister.listSlots(ref)) await consider(sweep, slot, listedAt);
  });
}

/** `listedAt`: when the listing that returned it was asked for (no later than ARM's read of it). */
async function consider(sweep: Sweep, snapshot: SiteSnapshot, listedAt: string): Promise<SiteRef | undefined> {
  const ref = parseSiteId(snapshot.id);
  if (!ref) return undefined;
  const previous = sweep.existing.get(ref.key);
  sweep.existing.delete(ref.key);
  sweep.result.evaluated++;
  sweep.onEvaluated?.();
  const now = sweep.deps.clock();
  const verdict = evaluate(snapshot, sweep.context.policy, now, registerExemptionsFor(ref.key, sweep.exemptions));
  if (verdict.status === 'noncompliant' || previous?.status === 'flapping') {
    sweep.drifted.push({ ref, snapshot, previous, observedAt: listedAt });
    return ref;
  }
  // An event-path row read from ARM after this listing was asked for must win over this one.
  await stage(sweep, ref, snapshot, verdict, previous, { ...sweep.cause, observedAt: listedAt });
  return ref;
}

async function stage(sweep: Sweep, ref: SiteRef, snapshot: SiteSnapshot | undefined, verdict: Verdict, previous: Finding | undefined, cause: Cause): Promise<void> {
  const changed = outcomeChanged(previous, verdict);
  const finding = buildFinding(ref, snapshot ?? previous, verdict, cause, previous, sweep.deps.clock().toISOString(), changed);
  const history = changed ? historyEntry(finding, cause, previous, {}) : undefined;
  if (history) finding.historyAt = history.at;
  sweep.pending.push({ finding, ref, snapshot, verdict, cause, previous, history });
  count(sweep.result, verdict.status);
  await flush(sweep, sweep.flushEvery);
}

async function markDeleted(sweep: Sweep, previous: Finding): Promise<void> {
  if (previous.status === 'deleted') return;
  const ref = parseSiteId(previous.resourceId);
  if (!ref) return;
  sweep.result.deleted++;
  await stage(sweep, ref, undefined, deletedVerdict(), previous, { ...sweep.cause, observedAt: sweep.deps.clock().toISOString() });
}

/**
 * Write the staged rows, each with its history row, in transactions, each conditional on the
 * version the sweep read (or on absence), so an event-path write that landed meanwhile is never
 * overwritten blindly. A row that changed (nothing of it written, history included) goes through
 * the event path's recording instead: it re-reads the row, keeps it when it holds a later ARM
 * read, and otherwise writes ours on the new version.
 */
async function flush(sweep: Sweep, threshold: number): Promise<void> {
  if (sweep.pending.length === 0 || operations(sweep.pending) < threshold) return;
  const batch = sweep.pending.splice(0, sweep.pending.length);
  const expect = new Map(batch.map((s) => [s.finding.key, s.previous?.etag ? { etag: s.previous.etag } : { absent: true as const }] as const));
  const history = new Map(batch.flatMap((s) => (s.history ? [[s.finding.key, s.history] as const] : [])));
  const { conflicts } = await sweep.deps.findings.putMany(batch.map((s) => s.finding), expect, history);
  const lost = new Set(conflicts);
  sweep.result.historyRows += batch.filter((s) => s.history && !lost.has(s.finding.key)).length;
  for (const staged of batch) {
    if (!lost.has(staged.finding.key)) continue;
    const current = await sweep.deps.findings.get(staged.finding.key);
    // A row read from ARM no earlier than our list page (a point GET) is at least as true as ours.
    if (current?.observedAt && staged.cause.observedAt && Date.parse(current.observedAt) >= Date.parse(staged.cause.observedAt)) continue;
    const { ref, snapshot, verdict, cause } = staged;
    const { changed } = await record(sweep.deps, { ref, snapshot, verdict, cause, previous: current, now: sweep.deps.clock().toISOString() });
    if (changed) sweep.result.historyRows++;
  }
}

/** Table operations the staged rows take: a finding, and its history row if any. */
function operations(pending: readonly Staged[]): number {
  return pending.reduce((n, s) => n + (s.history ? 2 : 1), 0);
}

async function existingFindings(deps: EnforcerDeps, subscriptionId: string): Promise<Map<string, Finding>> {
  const map = new Map<string, Finding>();
  for await (const f of deps.findings.list({ subscriptionId })) map.set(f.key, f);
  return map;
}

function count(result: SubscriptionSweepResult, status: Status): void {
  result.counts[status] = (result.counts[status] ?? 0) + 1;
}
