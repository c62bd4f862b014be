/** Case-insensitive equality of setting values: ARM accepts and returns them in any case. */
export function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
