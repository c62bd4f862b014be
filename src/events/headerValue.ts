export type HeaderMap = Record<string, string | undefined>;

/** A header's value by name; HTTP header names are case-insensitive, and hosts spell them differently. */
export function headerValue(headers: HeaderMap | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const value = key === undefined ? undefined : headers[key]?.trim();
  return value === '' ? undefined : value;
}
