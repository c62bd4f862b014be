// Small builders for inline events; the fixtures hold the full documented shape.
export const SUB = 'a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7';
export const SITE_URI = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-frontend`;

export function resourceData(operationName: string, resourceUri: unknown = SITE_URI, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { operationName, resourceUri, subscriptionId: SUB, status: 'Succeeded', correlationId: 'corr-1', ...extra };
}

export function egEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'eg-1',
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    subject: SITE_URI,
    eventTime: '2026-10-02T14:05:11.1234567Z',
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${SUB}`,
    data: resourceData('Microsoft.Web/sites/write'),
    ...fields,
  };
}

export function cloudEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: 'ce-1',
    type: 'Microsoft.Resources.ResourceWriteSuccess',
    source: `/subscriptions/${SUB}`,
    subject: SITE_URI,
    time: '2026-10-02T14:05:11.1234567Z',
    data: resourceData('Microsoft.Web/sites/write'),
    ...fields,
  };
}

/** The event without the named attributes. */
export function without(event: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([name]) => !names.includes(name)));
}
