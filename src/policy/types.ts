/** What the enforcer observed of one App Service app or slot: the fields the control reads. */
export interface SiteSnapshot {
  /** ARM resource id exactly as Azure returned it (kept for display). */
  id: string;
  name: string;
  kind?: string;
  location?: string;
  isSlot: boolean;
  clientCertEnabled?: boolean;
  clientCertMode?: string;
  clientCertExclusionPaths?: string;
  /** `properties.sku` of the site (e.g. Free, Shared, Basic, Standard, PremiumV3, FlexConsumption). */
  sku?: string;
  tags?: Record<string, string>;
  /** `properties.publicNetworkAccess`: `Disabled` keeps the app off the internet; absent or anything else counts as exposed. */
  publicNetworkAccess?: string;
}

export type Status =
  | 'compliant'
  | 'noncompliant'
  | 'exempt'
  | 'unsupported-plan'
  | 'not-applicable'
  | 'flapping'
  | 'deleted'
  | 'error';

export type ReasonCode =
  | 'client-cert-disabled'
  | 'mode-not-required'
  | 'exclusion-paths'
  | 'unsupported-plan'
  | 'not-applicable-kind'
  | 'exempt'
  | 'exemption-invalid'
  | 'deleted'
  | 'error'
  | 'flapping'
  | 'remediation-denied'
  | 'baseline-debt';

export interface Reason {
  code: ReasonCode;
  /** One human sentence; names both the API and the portal term where they differ. */
  message: string;
}

export interface Verdict {
  status: Status;
  reasons: Reason[];
  /** Advice for an operator (e.g. renegotiation caveats); never affects the status. */
  advice: string[];
  /**
   * The app's standing against its subscription's enforce baseline (see baselineDebt.ts): set by
   * the enforcer (not by `evaluate`), carried onto the finding. Absent: the recording derives it.
   */
  standing?: Standing;
}

/**
 * Baseline debt: the app was non-compliant at (or before) its subscription's enforce baseline and
 * has never been compliant since. `enforce` never reverts it on its own; a rollout wave does.
 */
export interface Debt {
  /** When the app was first recorded as debt (its first non-compliant time, for rows older than the marker). */
  since: string;
  /** The sweep run that set the subscription's baseline, when there was one at the time. */
  baselineRunId?: string;
  /** Set by a rollout plan that names the app: its wave, the plan, and the date before which nothing flips it. */
  wave?: number;
  planId?: string;
  notBefore?: string;
}

/** What a finding row records of its standing: debt (see Debt), or guarded (regressions are drift). */
export interface Standing {
  debt?: Debt;
  /** Compliant (or made compliant, or new after the baseline) since then: a regression is drift and is reverted. */
  guardedSince?: string;
}

export type ExemptionCategory = 'waiver' | 'mitigated';

/** An exemption as the policy sees it, from the register or (when enabled) a tag. */
export interface Exemption {
  source: 'register' | 'tag';
  /** Lowercased ARM id of the resource, resource group or subscription it covers. */
  scope: string;
  owner?: string;
  approver?: string;
  reason?: string;
  category?: ExemptionCategory;
  /** ISO 8601; required for the exemption to be valid. */
  expiresAt?: string;
  /** Set when a tag could not be parsed; such an exemption exempts nothing. */
  malformed?: string;
}

export interface Policy {
  /** API values of clientCertMode that pass (default ['Required']). */
  allowedModes: string[];
  /** Whether non-empty clientCertExclusionPaths fails the control (default true). */
  exclusionPathsFail: boolean;
  /** Substrings of `kind` that make an app not-applicable (default workflowapp, azurecontainerapps). */
  notApplicableKinds: string[];
  /** Honour `mtls-enforcer-exempt` tags (default false: the register only). */
  tagExemptions: boolean;
  /** Tag name read when tagExemptions is on. */
  exemptionTagName: string;
}

export const DEFAULT_POLICY: Policy = {
  allowedModes: ['Required'],
  exclusionPathsFail: true,
  notApplicableKinds: ['workflowapp', 'azurecontainerapps'],
  tagExemptions: false,
  exemptionTagName: 'mtls-enforcer-exempt',
};
