import { InvalidInputError } from '../errors.js';

/** 64 KiB per string property, and strings are UTF-16 on the service. */
export const MAX_STRING_CHARS = 32 * 1024;
/** 255 properties per entity, of which PartitionKey, RowKey and Timestamp are three. */
export const MAX_PROPERTIES = 252;
export const MAX_ENTITY_BYTES = 1024 * 1024;

const MARKER = '…[truncated]';

/** Cuts `text` to at most `max` characters, ending in a visible marker, never inside a surrogate pair. */
export function truncateText(text: string, max: number = MAX_STRING_CHARS): string {
  if (text.length <= max) return text;
  const keep = Math.max(0, max - MARKER.length);
  let head = text.slice(0, keep);
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  return max >= MARKER.length ? head + MARKER : head;
}

/**
 * Renders a JSON value carrying free texts (reason messages, advice) so that the JSON fits in
 * `max` characters: finds the largest per-text length that fits and truncates only texts
 * longer than that, rather than failing the whole write. Escaping makes JSON longer than the
 * texts, hence rendering and measuring instead of computing.
 */
export function fitTexts(texts: readonly string[], render: (texts: string[]) => string, what: string, max: number = MAX_STRING_CHARS): string {
  const whole = render([...texts]);
  if (whole.length <= max) return whole;
  let lo = 0;
  let hi = Math.max(0, ...texts.map((t) => t.length));
  let best = render(texts.map(() => ''));
  if (best.length > max) throw new InvalidInputError(`${what} has too many entries to store (${texts.length})`);
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const candidate = render(texts.map((t) => truncateText(t, mid)));
    if (candidate.length <= max) {
      best = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

export type EntityValue = string | boolean | number;

/**
 * Enforces what Azurite does not: property count, string size and entity size (the service's
 * own formula: 4 + 2×len(PK+RK) + per property 8 + 2×len(name) + value size).
 */
export function checkEntity(table: string, partitionKey: string, rowKey: string, properties: Record<string, EntityValue>): void {
  const names = Object.keys(properties);
  if (names.length > MAX_PROPERTIES) throw new InvalidInputError(`${table}: ${names.length} properties (max ${MAX_PROPERTIES})`);
  let bytes = 4 + 2 * (partitionKey.length + rowKey.length);
  for (const name of names) {
    const value = properties[name];
    if (typeof value === 'string' && value.length > MAX_STRING_CHARS) {
      throw new InvalidInputError(`${table}: property ${name} is ${value.length} characters (max ${MAX_STRING_CHARS})`);
    }
    bytes += 8 + 2 * name.length + (typeof value === 'string' ? 4 + 2 * value.length : typeof value === 'boolean' ? 1 : 8);
  }
  if (bytes > MAX_ENTITY_BYTES) throw new InvalidInputError(`${table}: entity of ${bytes} bytes (max ${MAX_ENTITY_BYTES})`);
}
