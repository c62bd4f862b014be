import type { EventSchema } from './types.js';

const has = (event: object, key: string): boolean => Object.hasOwn(event, key);

/**
 * Which schema an event claims by its attributes: `specversion` (or `type` with `source`) is
 * CloudEvents 1.0, `eventType` (or Event Grid's version fields) is the Event Grid schema.
 * Undefined when it claims neither; whether it is valid in its schema is checked separately.
 */
export function detectSchema(event: unknown): EventSchema | undefined {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  if (has(event, 'specversion')) return 'cloudevents';
  if (has(event, 'eventType')) return 'eventgrid';
  if (has(event, 'type') && has(event, 'source')) return 'cloudevents';
  if (has(event, 'dataVersion') || has(event, 'metadataVersion')) return 'eventgrid';
  return undefined;
}
