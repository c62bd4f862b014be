import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** The ARM requests one piece of work sent; `outer` is the work it runs inside, if that counts too. */
interface Tally {
  requests: number;
  outer: Tally | undefined;
}

const tallies = new AsyncLocalStorage<Tally>();

/**
 * Counts every ARM request (each attempt: retries of a 429 or 5xx included, as ARM counts them)
 * into the tally of the work that sent it. A request sent outside `countArmRequests` counts nowhere.
 */
export const countArmRequestsPolicy: PipelinePolicy = {
  name: 'mtlsCountArmRequests',
  sendRequest(request, next) {
    for (let tally = tallies.getStore(); tally; tally = tally.outer) tally.requests++;
    return next(request);
  },
};

/**
 * Run `work` and count the ARM requests it sends through the adapters of this process, and only
 * those: work running beside it at the same time (other subscriptions' sweep jobs, event
 * deliveries) keeps its own count. The tally follows `work`'s asynchronous calls (Node's
 * AsyncLocalStorage), so nothing has to be passed down to the SDK calls.
 */
export async function countArmRequests<T>(work: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const tally: Tally = { requests: 0, outer: tallies.getStore() };
  const value = await tallies.run(tally, work);
  return { value, requests: tally.requests };
}
