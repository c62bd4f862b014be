import type { Caller } from '../model/index.js';
import type { SiteRef } from '../policy/index.js';

export type EventSchema = 'eventgrid' | 'cloudevents';


/** A relevant event, reduced to what the enforcer needs. */
export interface SiteEvent {
  eventId: string;
  eventType: string;
  schema: EventSchema;
  operationName: string;
  /** `data.resourceUri` as delivered. */
  resourceUri: string;
  /** The site or slot to evaluate (for `.../config/write`, its owning site or slot). */
  target: SiteRef;
  /** `evaluate` re-reads and evaluates; `delete` marks the finding deleted. */
  action: 'evaluate' | 'delete';
  caller: Caller;
  correlationId?: string;
  eventTime: string;
}

export type ClassifiedEvent =
  | { kind: 'relevant'; event: SiteEvent }
  | { kind: 'ignored'; eventId?: string; eventType?: string; reason: string }
  | { kind: 'invalid'; eventId?: string; eventType?: string; reason: string };

/** What a webhook body turned out to be. */
export type Delivery =
  | { kind: 'validation'; validationCode: string; validationUrl?: string }
  | { kind: 'events'; schema: EventSchema; events: ClassifiedEvent[] };
