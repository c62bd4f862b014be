import { parseIsoDate } from './parseIsoDate.js';
import type { Exemption } from './types.js';

/** Why an exemption exempts nothing at `now`, or undefined when it is valid. */
export function exemptionProblem(exemption: Exemption, now: Date): string | undefined {
  if (exemption.malformed !== undefined) return `malformed: ${exemption.malformed}`;
  if (exemption.expiresAt === undefined || exemption.expiresAt.trim() === '') return 'it has no expiry (an expiry is required)';
  const expiry = parseIsoDate(exemption.expiresAt);
  if (!expiry) return `its expiry "${exemption.expiresAt}" is not an ISO 8601 date`;
  if (expiry.getTime() <= now.getTime()) return `it expired on ${expiry.toISOString()}`;
  return undefined;
}
