const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Azure subscription ids are GUIDs; anything else in that place is a typo or an injection. */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}
