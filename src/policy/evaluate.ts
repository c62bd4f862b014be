import { exemptReason } from './exemptReason.js';
import { judgeClientCert } from './judgeClientCert.js';
import { judgeExclusionPaths } from './judgeExclusionPaths.js';
import { judgeExemptions } from './judgeExemptions.js';
import { notApplicableReason } from './notApplicableReason.js';
import type { Exemption, Policy, Reason, SiteSnapshot, Verdict } from './types.js';
import { unsupportedPlanReason } from './unsupportedPlanReason.js';

/**
 * Hold one app or slot to the client-certificate control (see DESIGN.md, "The control, exactly").
 * Pure: `now` decides which exemptions are still valid; `exemptions` are the register's entries
 * already matched to this resource's scope.
 */
export function evaluate(site: SiteSnapshot, policy: Policy, now: Date, exemptions: Exemption[] = []): Verdict {
  const notApplicable = notApplicableReason(site.kind, policy.notApplicableKinds);
  if (notApplicable) return { status: 'not-applicable', reasons: [notApplicable], advice: [] };

  const judgements = [judgeClientCert(site, policy), judgeExclusionPaths(site, policy)];
  const failures = judgements.flatMap((j): Reason[] => (j.failure ? [j.failure] : []));
  const waivers = judgeExemptions(site, policy, now, exemptions);
  const advice = [...judgements.flatMap((j) => j.advice), ...waivers.advice];

  // An exemption that is not needed is no finding; its state is still worth an operator's look.
  if (failures.length === 0) return { status: 'compliant', reasons: [], advice: [...advice, ...waivers.invalid.map((r) => r.message)] };
  // Failures stay listed under exempt and unsupported-plan, so reports show what is waived or blocked.
  if (waivers.valid) return { status: 'exempt', reasons: [exemptReason(waivers.valid), ...failures, ...waivers.invalid], advice };
  const unsupported = unsupportedPlanReason(site.sku);
  if (unsupported) return { status: 'unsupported-plan', reasons: [unsupported, ...failures, ...waivers.invalid], advice };
  return { status: 'noncompliant', reasons: [...failures, ...waivers.invalid], advice };
}
