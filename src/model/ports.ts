import type { SiteRef } from '../policy/index.js';
import type { Exemption, SiteSnapshot } from '../policy/index.js';
import type { Finding, HistoryEntry } from './finding.js';

/** Reads one site or slot from ARM. `undefined` means it does not exist (deleted). */
export interface SiteReader {
  getSite(ref: SiteRef): Promise<SiteSnapshot | undefined>;
}

/** What remediation may send: the client-cert properties and nothing else. */
export interface ClientCertPatch {
  clientCertEnabled: true;
  clientCertMode: string;
  clientCertExclusionPaths?: '';
}

export interface SiteWriter {
  /**
   * PATCH only the client-cert properties; returns what ARM answered. `correlationId` goes as
   * `x-ms-correlation-request-id`, which ARM keeps as the write's correlation id (the write's
   * Event Grid event carries it back).
   */
  patchClientCert(ref: SiteRef, patch: ClientCertPatch, options?: { correlationId?: string }): Promise<SiteSnapshot>;
}

export interface FindingsPort {
  /** The current row, with its `etag`. */
  get(key: string): Promise<Finding | undefined>;
  /**
   * Write the whole row. With `expect`, only if the row is still that version (`{ etag }`) or
   * still absent (`{ absent: true }`); otherwise ConflictError. Without it, insert or replace.
   * Returns the version written (ETag), when the store says it: the next conditional write can
   * then start from it without reading the row again. `history`, the row recording this change,
   * is written in the same transaction: both land, or (on ConflictError or any failure) neither.
   */
  put(finding: Finding, expect?: { etag: string } | { absent: true }, history?: HistoryEntry): Promise<string | undefined>;
  /** All rows, one subscription's, or those whose key starts with `keyPrefix` (a resource id prefix, lowercase). */
  list(options?: { subscriptionId?: string; keyPrefix?: string }): AsyncIterable<Finding>;
  /**
   * Write many rows in batched transactions (≤100 operations per partition); safe to retry whole.
   * Rows named in `expect` are written only if still that version (or absent); the others are
   * upserted. A row's history entry in `history` (by key) goes with it, never without it.
   * Returns the keys left unwritten because their row changed meanwhile, and the versions
   * written (by key), when the store says them.
   */
  putMany(
    findings: readonly Finding[],
    expect?: ReadonlyMap<string, { etag: string } | { absent: true }>,
    history?: ReadonlyMap<string, HistoryEntry>,
  ): Promise<{ conflicts: string[]; etags?: ReadonlyMap<string, string> }>;
}

/** A resource's history rows (written by FindingsPort with the finding they describe). */
export interface HistoryPort {
  /** Newest first; the newest row is the finding's current outcome. */
  list(key: string, limit?: number): Promise<HistoryEntry[]>;
}

/** An event as the dedupe table knows it: its id, and its own time (redeliveries keep both). */
export interface EventMark {
  eventId: string;
  eventTime: string;
}

/** Dedupe by event id, a delivery at a time. Ids are case-sensitive. */
export interface ProcessedEventsPort {
  /** The ids among `events` already marked processed. */
  seen(events: readonly EventMark[]): Promise<Set<string>>;
  /** Marks them processed; marking again is harmless. */
  mark(events: readonly EventMark[], at: string): Promise<void>;
}

export interface ExemptionsPort {
  /** Register exemptions whose scope covers the resource (resource, its group or its subscription). */
  forResource(ref: SiteRef): Promise<Exemption[]>;
  /** The same for many resources at once (keyed by `ref.key`), in fewer reads, when the store can. */
  forResources?(refs: readonly SiteRef[]): Promise<Map<string, Exemption[]>>;
}

export type Mode = 'off' | 'audit' | 'enforce';

/** One subscription's settings row (table `Settings`). */
export interface SubscriptionSettings {
  subscriptionId: string;
  mode: Mode;
  /** Overrides the deployment's allowed client-cert modes for this subscription (e.g. allow Optional). */
  allowedModes?: string[];
  updatedBy: string;
  updatedAt: string;
  /**
   * The enforce baseline: when the first complete sweep after the subscription was set to
   * `enforce` started, and its run id. Non-compliant apps recorded before it are baseline debt
   * (never reverted on their own); apps first seen after it are drift. Only while in `enforce`.
   */
  baselineAt?: string;
  baselineRunId?: string;
}

export interface SettingsPort {
  get(subscriptionId: string): Promise<SubscriptionSettings | undefined>;
  /** Write the row and append the change (who, when, old → new) to the settings history. */
  put(settings: SubscriptionSettings): Promise<void>;
  /**
   * Set the enforce baseline on the row, only if it is still the row `expect` names (same
   * `updatedAt`), in `enforce`, and without a baseline. Returns whether it was set.
   */
  recordBaseline(subscriptionId: string, baseline: { at: string; runId: string }, expect: { updatedAt: string }): Promise<boolean>;
  list(): AsyncIterable<SubscriptionSettings>;
  /** Newest first. */
  history(subscriptionId: string, limit?: number): Promise<Array<{ at: string; by: string; from?: Mode; to: Mode; allowedModes?: string[] }>>;
}

/**
 * Short per-resource leases on durable storage (ETag optimistic concurrency), so one drift
 * produces one write across concurrent deliveries and instances.
 */
export interface LeasesPort {
  /** True when `holder` now holds `name` until `now + ttlMs` (free, expired, or already its own). */
  tryAcquire(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Release if still held by `holder`; never fails because someone else took it over. */
  release(name: string, holder: string): Promise<void>;
}

/** Full register record: what the CLI and HTTP API manage. */
export interface ExemptionRecord {
  /** Names one exemption among those of the same scope (e.g. a slug or a GUID). */
  id: string;
  /** Lowercased scope: resource id, `/subscriptions/{s}/resourcegroups/{rg}` or `/subscriptions/{s}`. */
  scope: string;
  /** The scope as the user typed it (display). */
  scopeDisplay: string;
  owner: string;
  approver: string;
  reason: string;
  category: 'waiver' | 'mitigated';
  expiresAt: string;
  createdAt: string;
  createdBy: string;
}

export interface ExemptionRegisterPort {
  /** Insert or replace one exemption (scope + id); appends to the register's history. */
  put(record: ExemptionRecord): Promise<void>;
  /** Remove; returns whether it existed. History keeps it. */
  remove(scope: string, id: string, by: string, at: string): Promise<boolean>;
  list(): AsyncIterable<ExemptionRecord>;
  /** Register history, newest first: every add, change and removal, kept after expiry. */
  history(scope: string, limit?: number): Promise<Array<{ at: string; by: string; action: 'added' | 'removed'; record: ExemptionRecord }>>;
}

export type SubscriptionRunStatus = 'pending' | 'done' | 'failed';

/** One subscription's part of a sweep run. */
export interface SubscriptionRunRecord {
  subscriptionId: string;
  /** The subscription's display name, as the listing that planned the run gave it. */
  subscriptionName?: string;
  status: SubscriptionRunStatus;
  mode?: string;
  evaluated?: number;
  historyRows?: number;
  deleted?: number;
  counts?: Record<string, number>;
  /** Of `counts.noncompliant`, the baseline debt (the rest is drift). Absent on runs recorded before it was counted: unknown, not 0. */
  debt?: number;
  durationMs?: number;
  armCalls?: number;
  error?: string;
  finishedAt?: string;
}

export interface SweepRunRecord {
  id: string;
  startedAt: string;
  trigger: string;
  subscriptions: SubscriptionRunRecord[];
}

/** Sweep runs (table `Sweeps`): the run and one row per subscription, each written idempotently. */
export interface SweepsPort {
  /** `subscriptionNames`: display names by lowercased subscription id, kept on the pending rows. */
  createRun(run: { id: string; startedAt: string; trigger: string; subscriptionIds: string[]; subscriptionNames?: Readonly<Record<string, string>> }): Promise<void>;
  /** Upsert one subscription's result (done or failed): a redelivery rewrites, never adds. */
  recordSubscription(runId: string, result: SubscriptionRunRecord): Promise<void>;
  getRun(runId: string): Promise<SweepRunRecord | undefined>;
  /** Newest first. */
  latestRuns(limit: number): Promise<SweepRunRecord[]>;
}

/** One queue message: sweep this subscription as part of that run. */
export interface SweepJob {
  runId: string;
  startedAt: string;
  subscriptionId: string;
  /** Carried so the worker records the name with the result, and the poison path too, without a read. */
  subscriptionName?: string;
}

export interface SweepQueue {
  send(job: SweepJob): Promise<void>;
}
