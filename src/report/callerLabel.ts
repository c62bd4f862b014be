import type { Caller } from '../model/index.js';

/** Who last wrote the app, as a person reads it: the name or UPN, else the object id, else the app id. */
export function callerLabel(caller: Caller | undefined): string | undefined {
  if (!caller) return undefined;
  const name = caller.name?.trim();
  if (name) return name;
  if (caller.objectId?.trim()) return `object id ${caller.objectId.trim()}`;
  if (caller.appId?.trim()) return `app id ${caller.appId.trim()}`;
  return undefined;
}
