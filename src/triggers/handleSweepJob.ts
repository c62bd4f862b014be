import type { InvocationContext } from '@azure/functions';
import { failSweepJob, finishSweepRun, runSweepJob, type EnforcerDeps, type SiteLister } from '../enforcer/index.js';
import type { SweepJob } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { MAX_DEQUEUE_COUNT } from './handleQueueMessage.js';
import { publicReason, shouldRetry } from './errorPolicy.js';

/** A sweep-queue message (base64-decoded by the runtime): sweep one subscription; on the last attempt, record it failed. */
export async function handleSweepJob(deps: EnforcerDeps, lister: SiteLister, message: unknown, context: InvocationContext): Promise<void> {
  const job = parseJob(message);
  try {
    const result = await runSweepJob(deps, lister, job);
    deps.log('info', `sweep ${job.runId}: ${job.subscriptionId} ${result.status} (${result.evaluated ?? 0} evaluated)`, {
      event: 'sweep-subscription', runId: job.runId, subscriptionId: result.subscriptionId, status: result.status, evaluated: result.evaluated, durationMs: result.durationMs,
    });
    await storeReportIfFinished(deps, job.runId);
  } catch (err) {
    const attempt = Number(context.triggerMetadata?.dequeueCount ?? 1);
    const reason = publicReason(err);
    if (!shouldRetry(err) || attempt >= MAX_DEQUEUE_COUNT) {
      await failSweepJob(deps, job, reason);
      deps.log('error', `sweep ${job.runId}: ${job.subscriptionId} failed for good: ${reason}`, { event: 'sweep-subscription', runId: job.runId, subscriptionId: job.subscriptionId.toLowerCase(), status: 'failed' });
      await storeReportIfFinished(deps, job.runId);
      return;
    }
    deps.log('warn', `sweep ${job.runId}: ${job.subscriptionId} will be retried (attempt ${attempt}): ${reason}`);
    throw err;
  }
}

/**
 * The worker that finishes a run (or marks it incomplete) stores its report and says so (see
 * finishSweepRun); workers finishing together are harmless. A storage failure here is logged, never
 * retried with the job: the sweep's result is recorded already, and `report --run <id> --upload`
 * stores it by hand.
 */
async function storeReportIfFinished(deps: EnforcerDeps, runId: string): Promise<void> {
  try {
    await finishSweepRun(deps, runId);
  } catch (err) {
    deps.log('error', `sweep ${runId}: report not stored: ${publicReason(err)}`, { runId });
  }
}

function parseJob(message: unknown): SweepJob {
  const value = typeof message === 'string' ? safeJson(message) : message;
  const job = value as Partial<SweepJob> | undefined;
  if (!job || typeof job.runId !== 'string' || typeof job.subscriptionId !== 'string' || typeof job.startedAt !== 'string') {
    throw new InvalidInputError('sweep job must be {runId, startedAt, subscriptionId}');
  }
  return { runId: job.runId, startedAt: job.startedAt, subscriptionId: job.subscriptionId, ...(typeof job.subscriptionName === 'string' ? { subscriptionName: job.subscriptionName } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
