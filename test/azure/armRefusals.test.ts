import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites, mapArmError } from '../../src/azure/index.js';
import { makeEmulatorToken, startEmulator, staticTokenCredential, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { parseSiteId } from '../../src/policy/resourceId.js';
import { PermanentError, PermissionError, PolicyDeniedError, ResourceLockedError, TransientError, UnsupportedPlanError } from '../../src/errors.js';

const WRITE = 'Microsoft.Web/sites/write';

/** An ARM failure as the SDK hands it over: status, and the parsed `{ error: { code, message } }` body in `details`. */
function armFailure(status: number, code: string, message: string): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  const body = { error: { code, message } };
  const err = new RestError(message, { statusCode: status, code, request, response: { status, headers: createHttpHeaders(), request, bodyAsText: JSON.stringify(body) } });
  err.details = body;
  return err;
}

describe('ARM refusals are typed by the adapter', () => {
  it('maps the plan refusal (HTTP 400, "site mode does not allow") to UnsupportedPlanError', () => {
    const mapped = mapArmError(armFailure(400, 'BadRequest', "Cannot enable client certificate for a site 'x' because current site mode does not allow it."), WRITE);

    expect(mapped).toBeInstanceOf(UnsupportedPlanError);
    expect(mapped).toBeInstanceOf(PermanentError);
    expect((mapped as UnsupportedPlanError).statusCode).toBe(400);
  });

  it('maps an Azure Policy deny to PolicyDeniedError, not to a missing RBAC action', () => {
    const mapped = mapArmError(armFailure(403, 'RequestDisallowedByPolicy', "Resource 'x' was disallowed by policy."), WRITE);

    expect(mapped).toBeInstanceOf(PolicyDeniedError);
    expect(mapped).not.toBeInstanceOf(PermissionError);
    expect((mapped as PolicyDeniedError).code).toBe('RequestDisallowedByPolicy');
  });

  it('maps a management lock (409 ScopeLocked) to ResourceLockedError, not to a retry', () => {
    const mapped = mapArmError(armFailure(409, 'ScopeLocked', "The scope 'x' cannot perform write operation because following scope(s) are locked."), WRITE);

    expect(mapped).toBeInstanceOf(ResourceLockedError);
    expect(mapped).not.toBeInstanceOf(TransientError);
  });

  it('keeps other answers as they were: a plain 400 is permanent, a 409 conflict passes, a 403 names the action', () => {
    const plain = mapArmError(armFailure(400, 'BadRequest', 'The parameter x is invalid.'), WRITE);
    const conflict = mapArmError(armFailure(409, 'Conflict', 'Another operation is in progress.'), WRITE);
    const forbidden = mapArmError(armFailure(403, 'AuthorizationFailed', 'The client does not have authorization.'), WRITE);

    expect(plain).toBeInstanceOf(PermanentError);
    expect(plain).not.toBeInstanceOf(UnsupportedPlanError);
    expect(conflict).toBeInstanceOf(TransientError);
    expect(forbidden).toBeInstanceOf(PermissionError);
  });
});

describe('through the real SDK against the emulator', () => {
  const SUB = 'fee0fee0-0000-4000-8000-000000000001';
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ throttle: false });
    emu.seed({ subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg', name: 'free-app', sku: 'Free', clientCertEnabled: false }] }] });
  });

  afterAll(async () => {
    await emu.stop();
  });

  it("raises UnsupportedPlanError for a PATCH of a Free app's client certificates", async () => {
    const arm = createArmSites({ endpoint: emu.url, credential: staticTokenCredential(makeEmulatorToken({ oid: 'enf00000-0000-4000-8000-00000000e0f0' })), caCertPem: emu.caCertPem, maxRetries: 0 });
    const ref = parseSiteId(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/free-app`);
    if (!ref) throw new Error('test id does not parse');

    const failure = await arm.patchClientCert(ref, { clientCertEnabled: true, clientCertMode: 'Required' }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(failure).toBeInstanceOf(UnsupportedPlanError);
  });
});
