import type { Status } from '../policy/index.js';
import type { StatusCounts } from './types.js';

// A Record over Status: adding a status to the policy fails compilation here until it is counted.
const ZERO: Readonly<Record<Status, number>> = {
  compliant: 0,
  noncompliant: 0,
  flapping: 0,
  exempt: 0,
  'unsupported-plan': 0,
  'not-applicable': 0,
  error: 0,
  deleted: 0,
};

/** Every status, in the order reports list them. */
export const STATUSES = Object.keys(ZERO) as Status[];

/** Statuses of an app whose drift is current: the ones a reader must act on. */
export const FAILING: ReadonlySet<Status> = new Set<Status>(['noncompliant', 'flapping']);

export function emptyCounts(): StatusCounts {
  return { total: 0, byStatus: { ...ZERO } };
}

export function countStatuses(items: Iterable<{ status: Status }>): StatusCounts {
  const counts = emptyCounts();
  for (const item of items) addStatus(counts, item.status);
  return counts;
}

export function addStatus(counts: StatusCounts, status: Status): void {
  counts.total += 1;
  counts.byStatus[status] += 1;
}
