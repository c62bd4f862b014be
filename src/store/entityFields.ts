import type { Reason } from '../policy/index.js';
import type { ObservedCert } from '../model/index.js';
import { fitTexts, type EntityValue } from './entityLimits.js';

/** An entity as the SDK returns it: our properties plus partitionKey, rowKey, etag, timestamp. */
export type StoredEntity = Record<string, unknown> & { partitionKey?: string; rowKey?: string };

/** Absent optional fields become absent properties, never nulls or "undefined" strings. */
export function definedProperties(properties: Record<string, EntityValue | undefined>): Record<string, EntityValue> {
  const out: Record<string, EntityValue> = {};
  for (const [name, value] of Object.entries(properties)) if (value !== undefined) out[name] = value;
  return out;
}

/** The same for objects read back, so a round trip yields exactly what was written. */
export function withoutUndefined<T extends object>(value: T): T {
  for (const name of Object.keys(value) as (keyof T)[]) if (value[name] === undefined) delete value[name];
  return value;
}

/** Dates are stored as ISO strings; a Date written by another tool is read back the same way. */
export function readString(entity: StoredEntity, name: string): string | undefined {
  const value = entity[name];
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

export function readBoolean(entity: StoredEntity, name: string): boolean | undefined {
  const value = entity[name];
  return typeof value === 'boolean' ? value : undefined;
}

export function readNumber(entity: StoredEntity, name: string): number | undefined {
  const value = entity[name];
  return typeof value === 'number' ? value : undefined;
}

/** A JSON property; an unreadable one yields `fallback` so one bad row cannot break a listing. */
export function readJson<T>(entity: StoredEntity, name: string, fallback: T): T {
  const value = entity[name];
  if (typeof value !== 'string') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

export function reasonsJson(reasons: readonly Reason[]): string {
  return fitTexts(
    reasons.map((r) => r.message),
    (messages) => JSON.stringify(reasons.map((r, i) => ({ ...r, message: messages[i] }))),
    'reasons',
  );
}

export function textsJson(texts: readonly string[], what: string): string {
  return fitTexts(texts, (t) => JSON.stringify(t), what);
}

/** Exclusion paths are free text of any length: cut them (not the write) so the JSON fits a property. */
export function observedCertJson(cert: ObservedCert, what: string): string {
  const texts = [cert.clientCertMode ?? '', cert.clientCertExclusionPaths ?? ''];
  return fitTexts(texts, ([mode, paths]) =>
    // JSON.stringify leaves out the undefined ones, so absent fields stay absent.
    JSON.stringify({
      ...cert,
      clientCertMode: cert.clientCertMode === undefined ? undefined : mode,
      clientCertExclusionPaths: cert.clientCertExclusionPaths === undefined ? undefined : paths,
    }), what);
}
