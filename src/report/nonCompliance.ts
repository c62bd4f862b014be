/**
 * How much of a sweep's non-compliance is baseline debt (a rollout's business) and how much is
 * drift (enforce's). `null`: unknown, a run recorded before sweeps counted debt — never shown as 0.
 */
export interface NonCompliance {
  noncompliant: number;
  debt: number | null;
  drift: number | null;
}

/** From a run record's `noncompliant` count and its `debt` (absent: unknown). Nothing non-compliant leaves nothing unknown. */
export function nonCompliance(noncompliant: number, debt: number | undefined): NonCompliance {
  if (debt === undefined && noncompliant > 0) return { noncompliant, debt: null, drift: null };
  const known = Math.min(debt ?? 0, noncompliant);
  return { noncompliant, debt: known, drift: noncompliant - known };
}

/** Summed over subscriptions: the split is unknown as soon as one part's is. */
export function sumNonCompliance(parts: readonly NonCompliance[]): NonCompliance {
  const noncompliant = parts.reduce((n, p) => n + p.noncompliant, 0);
  if (parts.some((p) => p.debt === null)) return { noncompliant, debt: null, drift: null };
  const debt = parts.reduce((n, p) => n + (p.debt ?? 0), 0);
  return { noncompliant, debt, drift: noncompliant - debt };
}

/** `12 non-compliant (9 baseline debt, 3 drift)`, `12 non-compliant (baseline debt unknown)` or `0 non-compliant`. */
export function nonComplianceText(n: NonCompliance): string {
  const head = `${n.noncompliant} non-compliant`;
  if (n.noncompliant === 0) return head;
  if (n.debt === null || n.drift === null) return `${head} (baseline debt unknown)`;
  return `${head} (${n.debt} baseline debt, ${n.drift} drift)`;
}
