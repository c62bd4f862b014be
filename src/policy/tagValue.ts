/** A tag's value by name; Azure treats tag names case-insensitively. */
export function tagValue(tags: Record<string, string> | undefined, name: string): string | undefined {
  if (!tags) return undefined;
  const wanted = name.toLowerCase();
  const key = Object.keys(tags).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : tags[key];
}
