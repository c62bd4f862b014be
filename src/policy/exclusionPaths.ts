/** The paths in `clientCertExclusionPaths` (comma-separated; blanks and stray commas mean nothing). */
export function exclusionPaths(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '');
}
