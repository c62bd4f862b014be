import type { SiteRef } from '../policy/index.js';
import { parseDelivery } from './parseDelivery.js';
import type { ClassifiedEvent, EventSchema, SiteEvent } from './types.js';
import type { Caller } from '../model/index.js';
import { validationResponse } from './validationResponse.js';

export interface CheckedEvent {
  index: number;
  classification: ClassifiedEvent['kind'];
  reason: string;
  eventId?: string;
  eventType?: string;
  schema?: EventSchema;
  action?: SiteEvent['action'];
  operationName?: string;
  resourceUri?: string;
  target?: SiteRef;
  caller?: Caller;
  correlationId?: string;
  eventTime?: string;
}

export type DeliveryCheck =
  | { kind: 'validation'; validationCode: string; validationUrl?: string; response: { validationResponse: string } }
  | {
      kind: 'events';
      schema: EventSchema;
      summary: { total: number; relevant: number; ignored: number; invalid: number; evaluate: number; delete: number };
      events: CheckedEvent[];
    };

/**
 * What the enforcer would do with a delivery, as plain JSON-ready data, without touching Azure
 * (`mtls-enforcer events check`). Throws InvalidInputError like parseDelivery for an unreadable body.
 */
export function checkDelivery(body: unknown): DeliveryCheck {
  const delivery = parseDelivery(body);
  if (delivery.kind === 'validation') return { ...delivery, response: validationResponse(delivery.validationCode) };
  const events = delivery.events.map(checkedEvent);
  const count = (match: (e: CheckedEvent) => boolean) => events.filter(match).length;
  const summary = {
    total: events.length,
    relevant: count((e) => e.classification === 'relevant'),
    ignored: count((e) => e.classification === 'ignored'),
    invalid: count((e) => e.classification === 'invalid'),
    evaluate: count((e) => e.action === 'evaluate'),
    delete: count((e) => e.action === 'delete'),
  };
  return { kind: 'events', schema: delivery.schema, summary, events };
}

function checkedEvent(item: ClassifiedEvent, index: number): CheckedEvent {
  if (item.kind !== 'relevant') {
    const { kind, ...rest } = item;
    return { index, classification: kind, ...rest };
  }
  const { event } = item;
  return { index, classification: 'relevant', reason: whatHappens(event), ...event };
}

function whatHappens(event: SiteEvent): string {
  const { target } = event;
  const resource = target.slot ? `slot ${target.slot} of site ${target.site}` : `site ${target.site}`;
  const verb = event.action === 'evaluate' ? 're-read and evaluate' : 'mark deleted the finding of';
  return `${event.operationName}: ${verb} ${resource} (resource group ${target.resourceGroup})`;
}
