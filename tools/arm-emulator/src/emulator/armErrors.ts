/** What a handler answers; `send` turns it into the HTTP response. */
export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** ARM's error envelope, which the SDK turns into a RestError with `details.error`. */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>): ArmResponse {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export const resourceNotFound = (type: string, resourceGroup: string, name: string): ArmResponse =>
  armError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

export const resourceGroupNotFound = (resourceGroup: string): ArmResponse =>
  armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);

export const subscriptionNotFound = (subscriptionId: string): ArmResponse =>
  armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);

/** Azure's answer when a Free or Shared plan is asked to require client certificates. */
export const clientCertNotAllowed = (name: string): ArmResponse =>
  armError(400, 'BadRequest', `Cannot enable client certificate for a site '${name}' because current site mode does not allow it.`);

export const throttled = (retryAfterSeconds: number, kind: 'read' | 'write'): ArmResponse =>
  armError(
    429,
    'TooManyRequests',
    `Number of '${kind}' requests for subscription exceeded the limit. Please try again after '${retryAfterSeconds}' seconds.`,
    { 'retry-after': String(retryAfterSeconds) },
  );
