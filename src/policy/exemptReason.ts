import { parseIsoDate } from './parseIsoDate.js';
import type { Exemption, Reason } from './types.js';

/** The `exempt` reason: who waived the control, why, and until when, for reports and audits. */
export function exemptReason(exemption: Exemption): Reason {
  const until = parseIsoDate(exemption.expiresAt ?? '')?.toISOString() ?? exemption.expiresAt;
  const details = [
    exemption.category && `category ${exemption.category}`,
    `owner ${exemption.owner ?? 'not named'}`,
    exemption.approver && `approved by ${exemption.approver}`,
    `reason: ${exemption.reason ?? 'none given'}`,
  ].filter(Boolean);
  const source = exemption.source === 'tag' ? 'an exemption tag' : `the exemption register (${exemption.scope})`;
  return { code: 'exempt', message: `Exempt until ${until} by ${source}; ${details.join('; ')}.` };
}
