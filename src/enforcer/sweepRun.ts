import type { EnforcerDeps } from './deps.js';
import type { SubscriptionRunRecord, SweepJob, SweepQueue, SweepRunRecord } from '../model/index.js';
export type { SweepJob, SweepQueue } from '../model/index.js';
import { sweepSubscription, type SiteLister, type SweepOptions } from './sweepSubscription.js';


const MAX_MS = 8_640_000_000_000_000;

/** Run ids sort newest first as text (inverted time), so the latest run is the first row. */
export function newRunId(now: Date, suffix: string): string {
  return `${String(MAX_MS - now.getTime()).padStart(17, '0')}-${suffix}`;
}

/**
 * The timer's job: record the run with every target subscription pending, then enqueue one job per
 * subscription (workers scale out on the queue). The caller leaves out subscriptions in `off`
 * (sweepTargets); one switched to `off` after planning is recorded as done with mode off.
 */
export async function planSweep(deps: EnforcerDeps, queue: SweepQueue, subscriptionIds: readonly string[], trigger: string, subscriptionNames: Readonly<Record<string, string>> = {}): Promise<SweepJob[]> {
  const now = deps.clock();
  const ids = [...new Set(subscriptionIds.map((s) => s.toLowerCase()))];
  const run = { id: newRunId(now, deps.newId().slice(0, 8)), startedAt: now.toISOString(), trigger, subscriptionIds: ids, subscriptionNames };
  await deps.sweeps.createRun(run);
  const jobs = ids.map((subscriptionId) => sweepJob(run.id, run.startedAt, subscriptionId, subscriptionNames));
  for (const job of jobs) await queue.send(job);
  deps.log('info', `sweep ${run.id} planned for ${jobs.length} subscription(s)`);
  return jobs;
}

/** One subscription's job, with its display name when the listing gave one. */
export function sweepJob(runId: string, startedAt: string, subscriptionId: string, names: Readonly<Record<string, string>>): SweepJob {
  const subscriptionName = names[subscriptionId.toLowerCase()];
  return { runId, startedAt, subscriptionId, ...(subscriptionName ? { subscriptionName } : {}) };
}

/** A queue worker: sweep one subscription and record its result; a redelivered job counts once. */
export async function runSweepJob(deps: EnforcerDeps, lister: SiteLister, job: SweepJob, options: SweepOptions = {}): Promise<SubscriptionRunRecord> {
  const run = await deps.sweeps.getRun(job.runId);
  const mine = run?.subscriptions.find((s) => s.subscriptionId === job.subscriptionId.toLowerCase());
  if (mine?.status === 'done') return mine;
  const started = deps.clock().getTime();
  const sweep = () => sweepSubscription(deps, lister, job.subscriptionId.toLowerCase(), { id: job.runId, startedAt: job.startedAt }, options);
  // This job's own ARM requests: other subscriptions are swept in the same process at the same time.
  const { value: r, requests: armCalls } = lister.countRequests ? await lister.countRequests(sweep) : { value: await sweep(), requests: undefined };
  const subscriptionName = job.subscriptionName ?? mine?.subscriptionName;
  const result: SubscriptionRunRecord = {
    subscriptionId: r.subscriptionId, ...(subscriptionName ? { subscriptionName } : {}), status: 'done', mode: r.mode, evaluated: r.evaluated, historyRows: r.historyRows, deleted: r.deleted,
    counts: r.counts as Record<string, number>, debt: r.debt, durationMs: deps.clock().getTime() - started,
    ...(armCalls !== undefined ? { armCalls } : {}), finishedAt: deps.clock().toISOString(),
  };
  await deps.sweeps.recordSubscription(job.runId, result);
  return result;
}

/** The poison path: a job that kept failing ends as a visible `failed` subscription with the reason. */
export async function failSweepJob(deps: EnforcerDeps, job: SweepJob, reason: string): Promise<void> {
  const name = job.subscriptionName ? { subscriptionName: job.subscriptionName } : {};
  await deps.sweeps.recordSubscription(job.runId, { subscriptionId: job.subscriptionId.toLowerCase(), ...name, status: 'failed', error: reason, finishedAt: deps.clock().toISOString() });
}

export type RunState = 'complete' | 'incomplete' | 'running';

/**
 * Pure: a run is complete when every subscription is done; incomplete when any failed or when it is
 * older than `staleAfterMs` with work still pending (a worker died) — never silently green.
 */
export function runState(run: SweepRunRecord, now: Date, staleAfterMs: number): RunState {
  if (run.subscriptions.some((s) => s.status === 'failed')) return 'incomplete';
  if (run.subscriptions.every((s) => s.status === 'done')) return 'complete';
  return now.getTime() - Date.parse(run.startedAt) > staleAfterMs ? 'incomplete' : 'running';
}
