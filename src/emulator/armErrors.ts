export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** ARM's error envelope, which the SDK turns into a RestError with `details.error`. */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>): ArmResponse {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export const notFound = (what: string) => armError(404, 'ResourceNotFound', `The Resource '${what}' was not found.`);
