/** Copies onto `target` each of `names` that `source` has defined (an absent or undefined field stays off `target`). */
export function copyDefined<T extends object, K extends keyof T>(target: T, source: { readonly [P in K]?: T[P] } | undefined, names: readonly K[]): T {
  if (!source) return target;
  for (const name of names) {
    const value = source[name];
    if (value !== undefined) target[name] = value as T[K];
  }
  return target;
}
