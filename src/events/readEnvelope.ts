import { detectSchema } from './detectSchema.js';
import { nonEmptyString } from './nonEmptyString.js';
import type { EventSchema } from './types.js';

/** The attributes every event has, whatever its schema; `data` is left for the classifier. */
export interface Envelope {
  schema: EventSchema;
  id: string;
  type: string;
  /** `eventTime` or CloudEvents `time`, as delivered (CloudEvents makes it optional). */
  time?: string;
  subject?: string;
  data: unknown;
}

export type EnvelopeProblem = { problem: string; eventId?: string; eventType?: string };

type Fields = Record<string, unknown>;

// The same attribute rules as @azure/eventgrid's EventGridDeserializer, which cannot serve here:
// it is async (parseDelivery is not), and it rejects a whole batch for one bad event. Unlike it,
// `topic` and `metadataVersion` may be absent (hand-built and trigger-supplied events omit them).
const EVENT_GRID = { required: ['id', 'eventType', 'subject', 'eventTime', 'dataVersion'], optional: ['topic', 'metadataVersion'] };
const CLOUD_EVENTS = { required: ['id', 'type', 'source', 'specversion'], optional: ['time', 'subject', 'datacontenttype', 'dataschema'] };

/** Check one event against its schema, naming every problem at once. */
export function readEnvelope(event: unknown): Envelope | EnvelopeProblem {
  const schema = detectSchema(event);
  if (schema === undefined) {
    return { problem: 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)' };
  }
  const fields = event as Fields;
  const problems = schema === 'eventgrid' ? eventGridProblems(fields) : cloudEventProblems(fields);
  const id = nonEmptyString(fields.id);
  const type = nonEmptyString(schema === 'eventgrid' ? fields.eventType : fields.type);
  if (problems.length > 0 || id === undefined || type === undefined) {
    return { problem: `invalid ${schema === 'eventgrid' ? 'Event Grid' : 'CloudEvents 1.0'} event: ${problems.join('; ')}`, eventId: id, eventType: type };
  }
  const envelope: Envelope = { schema, id, type, data: fields.data };
  const time = nonEmptyString(schema === 'eventgrid' ? fields.eventTime : fields.time);
  if (time !== undefined) envelope.time = time;
  if (typeof fields.subject === 'string') envelope.subject = fields.subject;
  return envelope;
}

function eventGridProblems(fields: Fields): string[] {
  const problems = attributeProblems(fields, EVENT_GRID.required, EVENT_GRID.optional);
  if (fields.data === undefined) problems.push('data is missing');
  if (typeof fields.metadataVersion === 'string' && fields.metadataVersion !== '1') problems.push(`metadataVersion is "${fields.metadataVersion}", not "1"`);
  return problems;
}

function cloudEventProblems(fields: Fields): string[] {
  const problems = attributeProblems(fields, CLOUD_EVENTS.required, CLOUD_EVENTS.optional);
  if (typeof fields.specversion === 'string' && fields.specversion !== '1.0') problems.push(`specversion is "${fields.specversion}", not "1.0"`);
  if (fields.data !== undefined && fields.data_base64 !== undefined) problems.push('it has both data and data_base64');
  return problems;
}

function attributeProblems(fields: Fields, required: string[], optional: string[]): string[] {
  const problems: string[] = [];
  for (const name of required) {
    // Event Grid sends `subject: ""` on the validation event: present is enough there. Elsewhere a
    // blank value counts as absent, as it does for id and type.
    const value = fields[name];
    if (value === undefined || (typeof value === 'string' && value.trim() === '' && name !== 'subject')) problems.push(`${name} is missing`);
    else if (typeof fields[name] !== 'string') problems.push(`${name} is not a string`);
  }
  for (const name of optional) {
    if (fields[name] !== undefined && typeof fields[name] !== 'string') problems.push(`${name} is not a string`);
  }
  return problems;
}
