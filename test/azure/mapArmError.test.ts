import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { isNotFound, mapArmError } from '../../src/azure/index.js';
import { PermanentError, PermissionError, TransientError } from '../../src/errors.js';

function armError(status: number, headers: Record<string, string> = {}, code = 'SomeCode'): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  const body = { error: { code, message: `status ${status}` } };
  return new RestError(`status ${status}`, {
    statusCode: status,
    request,
    response: { status, headers: createHttpHeaders(headers), request, bodyAsText: JSON.stringify(body) },
  });
}

describe('mapArmError', () => {
  it.each([429, 500, 502, 503, 408])('treats HTTP %i as transient', (status) => {
    const mapped = mapArmError(armError(status), 'Microsoft.Web/sites/read');

    expect(mapped).toBeInstanceOf(TransientError);
  });

  it('carries Retry-After seconds', () => {
    const mapped = mapArmError(armError(429, { 'retry-after': '7' }), 'Microsoft.Web/sites/read') as TransientError;

    expect(mapped.retryAfterMs).toBe(7000);
  });

  it.each([401, 403])('names the missing action on HTTP %i', (status) => {
    const mapped = mapArmError(armError(status), 'Microsoft.Web/sites/slots/read');

    expect(mapped).toBeInstanceOf(PermissionError);
    expect((mapped as PermissionError).action).toBe('Microsoft.Web/sites/slots/read');
    expect(mapped.message).toContain('Microsoft.Web/sites/slots/read');
  });

  it('treats other 4xx as permanent', () => {
    const mapped = mapArmError(armError(400), 'Microsoft.Web/sites/write');

    expect(mapped).toBeInstanceOf(PermanentError);
    expect((mapped as PermanentError).statusCode).toBe(400);
  });

  it('treats a connection reset as transient', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    expect(mapArmError(reset, 'Microsoft.Web/sites/read')).toBeInstanceOf(TransientError);
  });

  it('recognises not found', () => {
    expect(isNotFound(armError(404))).toBe(true);
    expect(isNotFound(armError(400))).toBe(false);
  });
});
