import type { Reason } from './types.js';

const KNOWN: Readonly<Record<string, string>> = {
  workflowapp: 'Logic Apps Standard',
  azurecontainerapps: 'Functions on Azure Container Apps',
};

/**
 * The `not-applicable-kind` reason when `kind` (e.g. `functionapp,workflowapp`) contains one of
 * the policy's not-applicable kinds, compared case-insensitively; undefined otherwise.
 */
export function notApplicableReason(kind: string | undefined, notApplicableKinds: readonly string[]): Reason | undefined {
  if (!kind) return undefined;
  const lower = kind.toLowerCase();
  const match = notApplicableKinds.map((k) => k.trim().toLowerCase()).find((k) => k !== '' && lower.includes(k));
  if (match === undefined) return undefined;
  const known = KNOWN[match] ? ` (${KNOWN[match]})` : '';
  return {
    code: 'not-applicable-kind',
    message: `Kind "${kind}" contains "${match}"${known}, which this policy does not hold to the client-certificate control.`,
  };
}
