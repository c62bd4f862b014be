import type { Status } from '../policy/index.js';
import type { Finding } from '../model/index.js';
import { compareText } from './compareText.js';
import { FAILING } from './statusCounts.js';
import type { ReportChange } from './types.js';

/**
 * What started failing since the last sweep (failing now, not then) and what stopped (the
 * reverse). Noncompliant and flapping both count as failing, so a flapping app that settles into
 * plain non-compliance is neither new nor fixed. Matched by lowercased id: ARM ids ignore case.
 */
export function changesSince(current: Finding[], previous: Finding[]): { new: ReportChange[]; fixed: ReportChange[] } {
  const before = byKey(previous);
  const now = byKey(current);
  const started: ReportChange[] = [];
  const stopped: ReportChange[] = [];
  for (const [key, finding] of now) {
    const old = before.get(key);
    if (FAILING.has(finding.status) && !(old && FAILING.has(old.status))) {
      started.push(change(finding, old?.status ?? 'absent', finding.status, finding));
    }
  }
  for (const [key, old] of before) {
    const finding = now.get(key);
    if (FAILING.has(old.status) && !(finding && FAILING.has(finding.status))) {
      stopped.push(change(finding ?? old, old.status, finding?.status ?? 'absent', old));
    }
  }
  return { new: sorted(started), fixed: sorted(stopped) };
}

function byKey(findings: Finding[]): Map<string, Finding> {
  return new Map(findings.map((finding) => [finding.key.toLowerCase(), finding]));
}

function change(display: Finding, before: Status | 'absent', now: Status | 'absent', failing: Finding): ReportChange {
  const entry: ReportChange = {
    resourceId: display.resourceId,
    subscriptionId: display.subscriptionId,
    site: display.site,
    before,
    now,
    reasons: failing.reasons.map((reason) => ({ code: reason.code, message: reason.message })),
  };
  if (display.slot) entry.slot = display.slot;
  return entry;
}

function sorted(changes: ReportChange[]): ReportChange[] {
  return changes.sort((a, b) => compareText(a.resourceId.toLowerCase(), b.resourceId.toLowerCase()));
}
