import type { SiteRef } from '../policy/resourceId.js';
import type { Exemption, SiteSnapshot } from '../policy/types.js';
import type { Finding, HistoryEntry } from '../store/types.js';

/** Reads one site or slot from ARM. `undefined` means it does not exist (deleted). */
export interface SiteReader {
  getSite(ref: SiteRef): Promise<SiteSnapshot | undefined>;
}

export interface FindingsPort {
  get(key: string): Promise<Finding | undefined>;
  /** Insert or replace the whole row. */
  put(finding: Finding): Promise<void>;
  list(options?: { subscriptionId?: string }): AsyncIterable<Finding>;
}

export interface HistoryPort {
  /** Idempotent: the same (key, at, causeId) writes the same row. */
  append(entry: HistoryEntry): Promise<void>;
  /** Newest first. */
  list(key: string, limit?: number): Promise<HistoryEntry[]>;
}

export interface ProcessedEventsPort {
  seen(eventId: string): Promise<boolean>;
  mark(eventId: string, at: string): Promise<void>;
}

export interface ExemptionsPort {
  /** Register exemptions whose scope covers the resource (resource, its group or its subscription). */
  forResource(ref: SiteRef): Promise<Exemption[]>;
}
