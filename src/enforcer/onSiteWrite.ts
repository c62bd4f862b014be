import type { SiteEvent } from '../events/index.js';
import type { Status } from '../policy/index.js';
import { EnforcerError, PermanentError, PermissionError, TransientError } from '../errors.js';
import type { EnforcerDeps } from './deps.js';
import { assessAndAct, type Assessment } from './assess.js';
import { record, type Cause } from './recordEvaluation.js';
import { deletedVerdict } from './findingBuilder.js';
import { parseSiteId, type SiteRef } from '../policy/index.js';
import { subscriptionContext, type SubscriptionContext } from './subscriptionContext.js';
import { isOwnWrite } from './isOwnWrite.js';
import { readsOnceForDelivery } from './deliveryReads.js';
import { DeliveryWrites } from './deliveryWrites.js';
import type { EventMark } from '../model/index.js';
import type { Finding } from '../model/index.js';

export interface EventOutcome {
  /** Lowercased id of the site or slot evaluated. */
  key: string;
  eventIds: string[];
  outcome: 'recorded' | 'duplicate' | 'error' | 'skipped';
  status?: Status;
  changed?: boolean;
  /** What remediation did (or would do, in audit), when the resource had drifted. */
  remediation?: Assessment['remediation'];
  detail?: string;
}

/**
 * Drift detection for relevant events: dedupe by event id, re-read each site or slot from ARM
 * (never trusting the event), evaluate and record. Events for one resource are coalesced into
 * one read. The delivery is checked against the dedupe table with one query, its subscriptions'
 * settings and the register are read once for it, its findings are written together (one
 * transaction per subscription when the handlers reach their writes together), and the events
 * handled are marked processed together at the end. Throws TransientError (after finishing and
 * marking the rest) when any resource must be retried.
 */
export async function onSiteWrite(shared: EnforcerDeps, events: readonly SiteEvent[]): Promise<EventOutcome[]> {
  return outcomesOf([...new Set((await workEvents(shared, events)).values())]);
}

/**
 * The outcomes of resources worked, or what to throw: the first failure that is not transient,
 * else one TransientError for all that must be retried.
 */
export function outcomesOf(results: ReadonlyArray<PromiseSettledResult<EventOutcome>>): EventOutcome[] {
  const outcomes: EventOutcome[] = [];
  const transient: TransientError[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') outcomes.push(result.value);
    else if (result.reason instanceof TransientError) transient.push(result.reason);
    else throw result.reason;
  }
  if (transient.length > 0) {
    const first = transient[0] as TransientError;
    throw new TransientError(`${transient.length} resource(s) must be retried: ${first.message}`, first.retryAfterMs, { cause: first });
  }
  return outcomes;
}

/**
 * The work of `onSiteWrite`, with each resource's result kept apart: by event id, the outcome of
 * the resource it is for (or why that failed), settled only once it is durable (its finding
 * written, its events marked processed: a failed mark fails the events it was for, not the
 * others). Every event of one resource shares one result object. Used as is where each event
 * must succeed or fail on its own (queue invocations worked together, see EventWindow).
 */
export async function workEvents(shared: EnforcerDeps, events: readonly SiteEvent[]): Promise<Map<string, PromiseSettledResult<EventOutcome>>> {
  const groups = groupByResource(events);
  const writes = groups.size > 1 ? new DeliveryWrites(shared.findings, groups.size) : undefined;
  const deps = readsOnceForDelivery(writes ? { ...shared, findings: writes.port() } : shared, [...groups.values()].map((group) => (group[0] as SiteEvent).target));
  const seen = deps.processedEvents.seen(uniqueEvents(events).map(markOf));
  seen.catch(() => undefined);
  const settled = await Promise.allSettled([...groups.values()].map((group) => handleResource(deps, group, seen).finally(() => writes?.finished())));
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const handled = settled.flatMap((r) => (r.status === 'fulfilled' && (r.value.outcome === 'recorded' || r.value.outcome === 'error') ? r.value.eventIds.map((id) => byId.get(id) as SiteEvent) : []));
  let markFailed: PromiseRejectedResult | undefined;
  if (handled.length > 0) {
    try {
      await deps.processedEvents.mark(handled.map(markOf), deps.clock().toISOString());
    } catch (err) {
      markFailed = { status: 'rejected', reason: err };
    }
  }
  const results = new Map<string, PromiseSettledResult<EventOutcome>>();
  [...groups.values()].forEach((group, i) => {
    const result = settled[i] as PromiseSettledResult<EventOutcome>;
    const unmarked = markFailed && result.status === 'fulfilled' && (result.value.outcome === 'recorded' || result.value.outcome === 'error');
    for (const event of group) results.set(event.eventId, unmarked ? (markFailed as PromiseRejectedResult) : result);
  });
  return results;
}

const markOf = (event: SiteEvent): EventMark => ({ eventId: event.eventId, eventTime: event.eventTime });

function uniqueEvents(events: readonly SiteEvent[]): SiteEvent[] {
  return [...new Map(events.map((e) => [e.eventId, e])).values()];
}

function groupByResource(events: readonly SiteEvent[]): Map<string, SiteEvent[]> {
  const groups = new Map<string, SiteEvent[]>();
  for (const event of events) {
    const group = groups.get(event.target.key) ?? [];
    group.push(event);
    groups.set(event.target.key, group);
  }
  for (const group of groups.values()) group.sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  return groups;
}

async function handleResource(deps: EnforcerDeps, group: SiteEvent[], seen: Promise<Set<string>>): Promise<EventOutcome> {
  const first = group[0] as SiteEvent;
  // The reads that do not depend on each other go out together: dedupe, mode, and (speculatively,
  // for the evaluation after the ARM read) the register and the current finding. The finding is
  // only a starting version: its write is conditional on the ETag, so a newer row is never lost.
  // (The enforcer's own write is read again under its lease instead: nothing to read ahead.)
  const own = isOwnWrite(group[group.length - 1]?.caller, deps.remediation.self);
  const previous = own ? undefined : deps.findings.get(first.target.key);
  previous?.catch(() => undefined);
  if (!own) deps.exemptions.forResource(first.target).catch(() => undefined);
  const [done, context] = await Promise.all([seen, subscriptionContext(deps, first.target.subscriptionId)]);
  const fresh = uniqueEvents(group).filter((e) => !done.has(e.eventId));
  const key = first.target.key;
  if (fresh.length === 0) return { key, eventIds: group.map((e) => e.eventId), outcome: 'duplicate' };
  const latest = fresh[fresh.length - 1] as SiteEvent;
  if (context.mode === 'off') {
    deps.log('info', `subscription ${latest.target.subscriptionId} is off: event for ${latest.target.id} ignored`);
    return { key, eventIds: fresh.map((e) => e.eventId), outcome: 'skipped', detail: 'subscription mode is off' };
  }
  const cause = causeOf(latest);
  const started = deps.clock().getTime();
  const outcome = await evaluateOrRecordError(deps, latest, cause, context, previous);
  // The telemetry the alert rules count (infra/main.json): event, subscriptionId, status, action, changed.
  deps.log('info', `evaluated ${latest.target.id}: ${outcome.status}`, {
    event: 'outcome',
    resourceId: latest.target.id,
    subscriptionId: latest.target.subscriptionId,
    status: outcome.status,
    action: outcome.remediation ?? 'none',
    changed: outcome.changed,
    durationMs: deps.clock().getTime() - started,
    remediation: outcome.remediation,
    caller: latest.caller,
    eventIds: fresh.map((e) => e.eventId),
  });
  return { ...outcome, eventIds: fresh.map((e) => e.eventId) };
}

async function evaluateOrRecordError(deps: EnforcerDeps, event: SiteEvent, cause: Cause, context: SubscriptionContext, previous: Promise<Finding | undefined> | undefined): Promise<EventOutcome> {
  const ref = event.target;
  try {
    const observedAt = deps.clock().toISOString();
    // The enforcer's own write is read again under its lease, if at all (see assessAndAct): no read here.
    const own = isOwnWrite(event.caller, deps.remediation.self);
    const snapshot = own ? undefined : await deps.sites.getSite(ref);
    const { status, changed, remediation } = await assessAndAct(deps, ref, snapshot, { ...cause, observedAt }, context, previous ? { previous } : {});
    // Azure sends one delete for a site; its slots went with it.
    if (!own && !snapshot && !ref.slot) await markSlotsDeleted(deps, ref, { ...cause, observedAt });
    const outcome: EventOutcome = { key: ref.key, eventIds: [], outcome: 'recorded', status, changed };
    if (remediation) outcome.remediation = remediation;
    return outcome;
  } catch (err) {
    if (!(err instanceof PermissionError || err instanceof PermanentError)) throw err;
    return recordError(deps, event, cause, err);
  }
}

/** Permanent failures become an `error` finding (the nightly sweep retries it); they are not redelivered. */
async function recordError(deps: EnforcerDeps, event: SiteEvent, cause: Cause, err: EnforcerError): Promise<EventOutcome> {
  const ref = event.target;
  const previous = await deps.findings.get(ref.key);
  // Keep what was known (the reasons of the last real verdict) beside the error.
  const known = (previous?.reasons ?? []).filter((r) => r.code !== 'error');
  const verdict = { status: 'error' as const, reasons: [{ code: 'error' as const, message: err.message }, ...known], advice: [] };
  const { finding, changed } = await record(deps, { ref, verdict, cause, previous, now: deps.clock().toISOString() });
  deps.log('warn', `could not evaluate ${ref.id}: ${err.message}`, { resourceId: ref.id });
  return { key: ref.key, eventIds: [], outcome: 'error', status: finding.status, changed, detail: err.message };
}

async function markSlotsDeleted(deps: EnforcerDeps, site: SiteRef, cause: Cause): Promise<void> {
  for await (const finding of deps.findings.list({ keyPrefix: `${site.key}/slots/` })) {
    const slot = finding.status !== 'deleted' ? parseSiteId(finding.resourceId) : undefined;
    if (slot) await record(deps, { ref: slot, verdict: deletedVerdict(), cause, previous: finding, now: deps.clock().toISOString() });
  }
}

function causeOf(event: SiteEvent): Cause {
  const cause: Cause = { id: event.eventId, at: event.eventTime, source: 'event', caller: event.caller, eventId: event.eventId };
  if (event.correlationId) cause.correlationId = event.correlationId;
  return cause;
}
