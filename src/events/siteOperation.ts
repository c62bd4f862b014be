import { RESOURCE_DELETE_SUCCESS, RESOURCE_WRITE_SUCCESS } from './eventTypes.js';

/** What an ARM operation on a site or slot asks of the enforcer, and what its resourceUri must name. */
export interface SiteOperation {
  action: 'evaluate' | 'delete';
  /** The uri names a slot (else a site). */
  slot: boolean;
  /** The uri names a config resource under the site or slot (else the site or slot itself). */
  config: boolean;
}

// Only site and slot writes can change the client-cert fields; config writes re-evaluate the
// owner as a cheap safety net. Keys lowercased: ARM operation names arrive in any case.
const OPERATIONS: Readonly<Record<string, Readonly<Record<string, SiteOperation>>>> = {
  [RESOURCE_WRITE_SUCCESS.toLowerCase()]: {
    'microsoft.web/sites/write': { action: 'evaluate', slot: false, config: false },
    'microsoft.web/sites/slots/write': { action: 'evaluate', slot: true, config: false },
    'microsoft.web/sites/config/write': { action: 'evaluate', slot: false, config: true },
    'microsoft.web/sites/slots/config/write': { action: 'evaluate', slot: true, config: true },
  },
  [RESOURCE_DELETE_SUCCESS.toLowerCase()]: {
    'microsoft.web/sites/delete': { action: 'delete', slot: false, config: false },
    'microsoft.web/sites/slots/delete': { action: 'delete', slot: true, config: false },
  },
};

/**
 * Every (event type, operation name) pair the enforcer acts on, lowercased. The Event Grid
 * subscription's filter in infra/ must name exactly these (test/infra checks it).
 */
export function handledOperations(): { eventType: string; operationName: string }[] {
  return Object.entries(OPERATIONS).flatMap(([eventType, ops]) => Object.keys(ops).map((operationName) => ({ eventType, operationName })));
}

/** Whether the event type carries resource operations at all (write or delete success). */
export function isResourceEventType(eventType: string): boolean {
  return Object.hasOwn(OPERATIONS, eventType.toLowerCase());
}

/** The operation the enforcer acts on, or undefined for every other operation. */
export function siteOperation(eventType: string, operationName: string): SiteOperation | undefined {
  const operations = OPERATIONS[eventType.toLowerCase()];
  const key = operationName.trim().toLowerCase();
  return operations && Object.hasOwn(operations, key) ? operations[key] : undefined;
}
