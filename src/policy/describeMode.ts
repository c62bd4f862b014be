import { portalName } from './portalName.js';

/** `Optional (portal "Allow")`: the API value and the portal name together, for messages. */
export function describeMode(mode: string | undefined): string {
  if (mode === undefined || mode.trim() === '') return 'no clientCertMode set';
  const portal = portalName(mode, true);
  return portal.startsWith('unknown') ? `${mode} (not a mode the portal knows)` : `${mode} (portal "${portal}")`;
}
