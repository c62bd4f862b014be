import { parseDelivery, validationResponse } from '../events/index.js';
import type { ClassifiedEvent, SiteEvent } from '../events/index.js';
import { onSiteWrite, type EnforcerDeps, type EventOutcome } from '../enforcer/index.js';

/** What works a delivery's relevant events: onSiteWrite, or an EventWindow's submit (queue invocations worked together). */
export type WorkEvents = (deps: EnforcerDeps, events: readonly SiteEvent[]) => Promise<EventOutcome[]>;

export type DeliveryResult =
  | { kind: 'validation'; response: { validationResponse: string } }
  | { kind: 'processed'; outcomes: EventOutcome[]; ignored: number; invalid: number };

/**
 * One Event Grid delivery (webhook body, queue message or trigger input), end to end: parse and
 * classify, log what is skipped, run drift detection on the relevant events (through `work`). Throws
 * InvalidInputError for an unparseable body and TransientError when a retry is needed.
 */
export async function processDelivery(deps: EnforcerDeps, body: unknown, headers: Record<string, string | undefined> = {}, work: WorkEvents = onSiteWrite): Promise<DeliveryResult> {
  const delivery = parseDelivery(body, headers);
  if (delivery.kind === 'validation') {
    deps.log('info', 'answered the Event Grid subscription validation handshake');
    return { kind: 'validation', response: validationResponse(delivery.validationCode) };
  }
  const relevant: SiteEvent[] = [];
  let ignored = 0;
  let invalid = 0;
  for (const item of delivery.events) {
    if (item.kind === 'relevant') relevant.push(item.event);
    else if (item.kind === 'ignored') ignored++;
    else invalid++;
    logSkipped(deps, item);
  }
  const outcomes = relevant.length > 0 ? await work(deps, relevant) : [];
  return { kind: 'processed', outcomes, ignored, invalid };
}

function logSkipped(deps: EnforcerDeps, item: ClassifiedEvent): void {
  if (item.kind === 'ignored') deps.log('info', `ignored event ${item.eventId ?? '?'}: ${item.reason}`, { eventType: item.eventType });
  if (item.kind === 'invalid') deps.log('warn', `invalid event ${item.eventId ?? '?'}: ${item.reason}`);
}
