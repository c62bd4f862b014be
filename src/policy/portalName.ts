// The portal labels the same settings differently from the API; findings show both so that
// whoever reads one can find it in the other.
const PORTAL_BY_MODE: Readonly<Record<string, string>> = {
  required: 'Require',
  optional: 'Allow',
  optionalinteractiveuser: 'Optional',
};

/**
 * The portal's name for a client-certificate setting: "Ignore" whenever client certificates
 * are off, whatever `clientCertMode` reads (Azure reports `Required` even while disabled).
 */
export function portalName(mode: string | undefined, enabled: boolean | undefined): string {
  if (enabled !== true) return 'Ignore';
  if (mode === undefined || mode.trim() === '') return 'no mode set';
  const key = mode.trim().toLowerCase();
  // Own keys only: a mode reading `__proto__` or `constructor` must not find Object.prototype's members.
  return Object.hasOwn(PORTAL_BY_MODE, key) ? (PORTAL_BY_MODE[key] as string) : `unknown mode "${mode}"`;
}
