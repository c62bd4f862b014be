/** The value when it is a string with something in it; blank and non-string values count as absent. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
