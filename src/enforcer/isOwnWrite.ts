import type { Caller } from '../model/index.js';

/** Loop guard: whether the caller is the enforcer's own identity (by object id or app id, case-insensitive). */
export function isOwnWrite(caller: Caller | undefined, self: { objectId?: string; appId?: string }): boolean {
  if (!caller) return false;
  const same = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  return same(caller.objectId, self.objectId) || same(caller.appId, self.appId);
}
