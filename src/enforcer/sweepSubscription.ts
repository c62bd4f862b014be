import { evaluate } from '../policy/index.js';
import { parseSiteId, type SiteRef } from '../policy/resourceId.js';
import type { Exemption, SiteSnapshot, Status } from '../policy/types.js';
import { forEachLimited } from '../shared/forEachLimited.js';
import type { Finding } from '../store/types.js';
import { assessAndAct } from './assess.js';
import type { EnforcerDeps } from './deps.js';
import { inScope } from './exemptionScope.js';
import { buildFinding, deletedVerdict, historyEntry, outcomeChanged } from './findingBuilder.js';
import type { ExemptionRecord } from './ports.js';
import type { Cause } from './recordEvaluation.js';
import { subscriptionContext, type SubscriptionContext } from './subscriptionContext.js';

/** Lists a subscription's sites (the list payload carries the client-cert fields) and each site's slots. */
export interface SiteLister {
  listSites(subscriptionId: string): AsyncIterable<SiteSnapshot>;
  listSlots(site: SiteRef): AsyncIterable<SiteSnapshot>;
}

export interface SweepOptions {
  /** Slot listings in flight at once for this subscription (ARM read budget). Default 8. */
  concurrency?: number;
  /** Findings per batched write (transactions of ≤100 per partition underneath). Default 500. */
  flushEvery?: number;
}

export interface SubscriptionSweepResult {
  subscriptionId: string;
  mode: string;
  counts: Partial<Record<Status, number>>;
  evaluated: number;
  historyRows: number;
  deleted: number;
}

interface Sweep {
  deps: EnforcerDeps;
  context: SubscriptionContext;
  cause: Cause;
  existing: Map<string, Finding>;
  exemptions: ExemptionRecord[];
  pending: Finding[];
  drifted: Array<{ ref: SiteRef; snapshot: SiteSnapshot }>;
  result: SubscriptionSweepResult;
  flushEvery: number;
}

/**
 * The nightly sweep of one subscription: every site from the list payload (no per-site GET) and
 * every slot, evaluated in memory; findings written in batches, history only for changes, vanished
 * resources marked deleted. Drifted resources then go through the event path's assessment, so
 * audit, enforce, the loop and flap guards behave exactly as they do for events.
 */
export interface SweepRun {
  id: string;
  /** The run's start: history rows carry it, so a redelivered sweep rewrites the same rows. */
  startedAt: string;
}

export async function sweepSubscription(deps: EnforcerDeps, lister: SiteLister, subscriptionId: string, run: SweepRun, options: SweepOptions = {}): Promise<SubscriptionSweepResult> {
  const context = await subscriptionContext(deps, subscriptionId);
  const result: SubscriptionSweepResult = { subscriptionId, mode: context.mode, counts: {}, evaluated: 0, historyRows: 0, deleted: 0 };
  if (context.mode === 'off') return result;
  const sweep: Sweep = {
    deps, context, result,
    cause: { id: run.id, at: run.startedAt, source: 'sweep' },
    existing: await existingFindings(deps, subscriptionId),
    exemptions: await allExemptions(deps),
    pending: [], drifted: [], flushEvery: options.flushEvery ?? 500,
  };
  const sites: SiteRef[] = [];
  for await (const site of lister.listSites(subscriptionId)) {
    const ref = await consider(sweep, site);
    if (ref) sites.push(ref);
  }
  await forEachLimited(sites, options.concurrency ?? 8, async (ref) => {
    for await (const slot of lister.listSlots(ref)) await consider(sweep, slot);
  });
  for (const previous of sweep.existing.values()) await markDeleted(sweep, previous);
  await flush(sweep, 0);
  await forEachLimited(sweep.drifted, options.concurrency ?? 8, async ({ ref, snapshot }) => {
    const { status, changed } = await assessAndAct(deps, ref, snapshot, sweep.cause, context);
    if (changed) result.historyRows++;
    count(result, status);
  });
  return result;
}

async function consider(sweep: Sweep, snapshot: SiteSnapshot): Promise<SiteRef | undefined> {
  const ref = parseSiteId(snapshot.id);
  if (!ref) return undefined;
  const previous = sweep.existing.get(ref.key);
  sweep.existing.delete(ref.key);
  sweep.result.evaluated++;
  const verdict = evaluate(snapshot, sweep.context.policy, sweep.deps.clock(), exemptionsFor(ref, sweep.exemptions));
  if (verdict.status === 'noncompliant' || previous?.status === 'flapping') {
    sweep.drifted.push({ ref, snapshot });
    return ref;
  }
  await stage(sweep, ref, snapshot, verdict, previous);
  return ref;
}

async function stage(sweep: Sweep, ref: SiteRef, snapshot: SiteSnapshot | undefined, verdict: ReturnType<typeof evaluate>, previous: Finding | undefined): Promise<void> {
  const changed = outcomeChanged(previous, verdict);
  const finding = buildFinding(ref, snapshot ?? previous, verdict, sweep.cause, previous, sweep.deps.clock().toISOString(), changed);
  if (previous?.remediatedAt) finding.remediatedAt = previous.remediatedAt;
  // History before the current row, as on the event path: a crash between them loses nothing.
  if (changed) {
    await sweep.deps.history.append(historyEntry(finding, sweep.cause, previous, {}));
    sweep.result.historyRows++;
  }
  sweep.pending.push(finding);
  count(sweep.result, verdict.status);
  await flush(sweep, sweep.flushEvery);
}

async function markDeleted(sweep: Sweep, previous: Finding): Promise<void> {
  if (previous.status === 'deleted') return;
  const ref = parseSiteId(previous.resourceId);
  if (!ref) return;
  sweep.result.deleted++;
  await stage(sweep, ref, undefined, deletedVerdict(), previous);
}

async function flush(sweep: Sweep, threshold: number): Promise<void> {
  if (sweep.pending.length === 0 || sweep.pending.length < threshold) return;
  const batch = sweep.pending.splice(0, sweep.pending.length);
  await sweep.deps.findings.putMany(batch);
}

async function existingFindings(deps: EnforcerDeps, subscriptionId: string): Promise<Map<string, Finding>> {
  const map = new Map<string, Finding>();
  for await (const f of deps.findings.list({ subscriptionId })) map.set(f.key, f);
  return map;
}

async function allExemptions(deps: EnforcerDeps): Promise<ExemptionRecord[]> {
  const all: ExemptionRecord[] = [];
  for await (const record of deps.register.list()) all.push(record);
  return all;
}

/** The register's exemptions whose scope covers the resource (itself, its site, group or subscription). */
function exemptionsFor(ref: SiteRef, records: readonly ExemptionRecord[]): Exemption[] {
  return records
    .filter((r) => inScope(ref.key, r.scope))
    .map((r) => ({ source: 'register', scope: r.scope, owner: r.owner, approver: r.approver, reason: r.reason, category: r.category, expiresAt: r.expiresAt }));
}

function count(result: SubscriptionSweepResult, status: Status): void {
  result.counts[status] = (result.counts[status] ?? 0) + 1;
}
