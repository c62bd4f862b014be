import { exemptionProblem } from './exemptionProblem.js';
import { parseExemptionTag } from './parseExemptionTag.js';
import { parseIsoDate } from './parseIsoDate.js';
import { tagValue } from './tagValue.js';
import type { Exemption, Policy, Reason, SiteSnapshot } from './types.js';

export interface ExemptionJudgement {
  /** The valid exemption that lasts longest, if any. */
  valid?: Exemption;
  /** One `exemption-invalid` reason per exemption that exempts nothing. */
  invalid: Reason[];
  advice: string[];
}

/**
 * Sort the register's exemptions (already matched to this resource by the caller) and, when
 * the policy honours tags, the exemption tag, into the one that applies and the ones that don't.
 */
export function judgeExemptions(site: SiteSnapshot, policy: Policy, now: Date, register: readonly Exemption[]): ExemptionJudgement {
  const candidates = [...register];
  const advice: string[] = [];
  const tag = tagValue(site.tags, policy.exemptionTagName);
  if (tag !== undefined && policy.tagExemptions) candidates.push(parseExemptionTag(tag, site.id));
  // Whoever can break the control on an app can also tag it: say plainly that the tag did nothing.
  if (tag !== undefined && !policy.tagExemptions) {
    advice.push(`Tag ${policy.exemptionTagName} is present but tag exemptions are disabled (the exemption register decides): it exempts nothing.`);
  }
  const valid: Exemption[] = [];
  const invalid: Reason[] = [];
  for (const exemption of candidates) {
    const problem = exemptionProblem(exemption, now);
    if (problem === undefined) valid.push(exemption);
    else invalid.push({ code: 'exemption-invalid', message: `${describeSource(exemption)} exempts nothing: ${problem}.` });
  }
  const longest = valid.sort((a, b) => expiry(b) - expiry(a))[0];
  return longest ? { valid: longest, invalid, advice } : { invalid, advice };
}

function describeSource(exemption: Exemption): string {
  return exemption.source === 'tag' ? 'The exemption tag' : `The register exemption for ${exemption.scope}`;
}

const expiry = (exemption: Exemption): number => parseIsoDate(exemption.expiresAt ?? '')?.getTime() ?? 0;
