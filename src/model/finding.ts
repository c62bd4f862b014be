import type { Caller } from './caller.js';
import type { Debt, Reason, SiteRef, Status } from '../policy/index.js';

export type FindingSource = 'event' | 'sweep' | 'cli' | 'rollout';

/** Current state of one site or slot (table `Findings`); its `key` (lowercased ARM id) is the identity of the row. */
export interface Finding extends Omit<SiteRef, 'id'> {
  /** ARM id as Azure spelled it (display). */
  resourceId: string;
  kind?: string;
  sku?: string;
  status: Status;
  reasons: Reason[];
  advice: string[];
  clientCertEnabled?: boolean;
  clientCertMode?: string;
  clientCertExclusionPaths?: string;
  /** As ARM last showed it (absent: enabled); a rollout plan puts internet-exposed apps first. */
  publicNetworkAccess?: string;
  /** The app's tags as ARM last showed them (owner and production tags for rollout plans; bounded on write). */
  tags?: Record<string, string>;
  lastCaller?: Caller;
  lastEventId?: string;
  lastCorrelationId?: string;
  /** When the resource was first seen failing in its current stretch of drift (kept across updates). */
  firstNonCompliantAt?: string;
  lastEvaluatedAt: string;
  /** When status or reasons last changed. */
  lastChangedAt: string;
  source: FindingSource;
  /** When the enforcer last reverted drift on this resource. */
  remediatedAt?: string;
  /**
   * Present exactly while the app is baseline debt (non-compliant at or before its subscription's
   * enforce baseline, never compliant since): enforce does not revert it; a rollout wave does.
   */
  debt?: Debt;
  /** Since when a regression of this app is drift (compliant, made compliant, or new after the baseline). */
  guardedSince?: string;
  /** The correlation id the enforcer sent with that revert's PATCH (its Event Grid event carries it back). */
  remediationCorrelationId?: string;
  /** When ARM was read for this row: a slower handler holding an older read never overwrites it. */
  observedAt?: string;
  /** The time of the newest history row (written with this row): the next row sorts after it. */
  historyAt?: string;
  /** Version of the stored row (Table Storage ETag) as read; not a stored column. */
  etag?: string;
}

/** One append-only history row, kept in table `Findings` beside its finding (newest first per resource). */
export interface HistoryEntry {
  key: string;
  resourceId: string;
  /** When the change was observed (the event time for events, so retries land on the same row). */
  at: string;
  /** Deterministic id of what caused the row (event id, sweep run id): with `at`, makes appends idempotent. */
  causeId: string;
  action: HistoryAction;
  status: Status;
  previousStatus?: Status;
  reasons: Reason[];
  caller?: Caller;
  correlationId?: string;
  source: FindingSource;
  detail?: string;
  /** Client-cert fields before and after a remediation (or what would change, for would-remediate). */
  before?: ObservedCert;
  after?: ObservedCert;
  /** The caller whose write a remediation undid. */
  undoneCaller?: Caller;
}

export type HistoryAction =
  | 'evaluated'
  | 'deleted'
  | 'error'
  | 'remediated'
  | 'would-remediate'
  /** Non-compliant baseline debt, left for a rollout wave (audit and enforce alike). */
  | 'rollout-pending'
  | 'flapping'
  | 'remediation-denied'
  | 'exemption-added'
  | 'exemption-removed';

/** The client-cert fields as observed on ARM. */
export interface ObservedCert {
  clientCertEnabled?: boolean;
  clientCertMode?: string;
  clientCertExclusionPaths?: string;
}
