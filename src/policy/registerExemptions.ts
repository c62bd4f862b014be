import type { Exemption } from './types.js';

/** What the register holds of an exemption that the policy judges (the register's row, as the policy sees it). */
export type RegisterEntry = Omit<Exemption, 'source' | 'malformed'>;

/** Whether a finding's key lies in a scope (the scope itself or anything under it). */
export function inScope(key: string, scope: string): boolean {
  return key === scope || key.startsWith(`${scope}/`);
}

/** The register's exemptions whose scope covers the resource `key` (itself, its site, group or subscription), as the policy judges them. */
export function registerExemptionsFor(key: string, records: Iterable<RegisterEntry>): Exemption[] {
  const covering: Exemption[] = [];
  for (const r of records) {
    if (inScope(key, r.scope)) covering.push({ source: 'register', scope: r.scope, owner: r.owner, approver: r.approver, reason: r.reason, category: r.category, expiresAt: r.expiresAt });
  }
  return covering;
}
