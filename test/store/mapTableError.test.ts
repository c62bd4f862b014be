import { createServer, type Server, type Socket } from 'node:net';
import { RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, PermissionError, TransientError } from '../../src/errors.js';
import { createTableStore, type TableStore } from '../../src/store/index.js';
import { isEntityNotFound, mapTableError } from '../../src/store/mapTableError.js';
import { AZURITE_ACCOUNT_KEY, startAzurite, type Azurite } from '../support/azurite.js';
import { sampleFinding, sampleHistory, uniquePrefix, useAzurite } from './storeFixture.js';

const connection = useAzurite();

function restError(statusCode: number, errorCode: string): RestError {
  return new RestError(`{"odata.error":{"code":"${errorCode}"}}`, { statusCode, code: undefined });
}

async function failureOf(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await work.then(() => undefined, (err: unknown) => err);
  return { error, ms: Date.now() - started };
}

describe('mapTableError', () => {
  it.each([408, 429, 500, 503])('makes HTTP %i transient', (status) => {
    // Prepare / Act
    const mapped = mapTableError(restError(status, 'ServerBusy'), 'write finding');

    // Assess
    expect(mapped).toBeInstanceOf(TransientError);
  });

  it('makes a network failure transient', () => {
    // Prepare / Act
    const mapped = mapTableError(new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 'read finding');

    // Assess
    expect(mapped).toBeInstanceOf(TransientError);
  });

  it('turns other client errors into a PermanentError naming the operation', () => {
    // Prepare / Act
    const mapped = mapTableError(restError(400, 'InvalidInput'), 'write finding in T');

    // Assess
    expect(mapped).toBeInstanceOf(PermanentError);
    expect(mapped.message).toBe('Table Storage write finding in T: HTTP 400 InvalidInput');
  });

  it('tells a missing row from a missing table', () => {
    // Prepare / Act / Assess
    expect(isEntityNotFound(restError(404, 'ResourceNotFound'))).toBe(true);
    expect(isEntityNotFound(restError(404, 'TableNotFound'))).toBe(false);
    expect(mapTableError(restError(404, 'TableNotFound'), 'read')).toBeInstanceOf(TransientError);
  });

  it('returns a programming error unchanged', () => {
    // Prepare
    const bug = new TypeError('x is undefined');

    // Act / Assess
    expect(mapTableError(bug, 'read')).toBe(bug);
  });

  it('reports a wrong account key as a missing permission', async () => {
    // Prepare
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const store = createTableStore({ connectionString: connection().replace(AZURITE_ACCOUNT_KEY, wrongKey), prefix: uniquePrefix(), allowInsecureConnection: true });

    // Act
    const { error } = await failureOf(store.findings.get(sampleFinding().key));

    // Assess
    expect(error).toBeInstanceOf(PermissionError);
  });
});

describe('store when storage fails', () => {
  let azurite: Azurite;
  let store: TableStore;

  beforeAll(async () => {
    azurite = await startAzurite({ table: true });
    store = createTableStore({ connectionString: azurite.connectionString, prefix: uniquePrefix(), allowInsecureConnection: true });
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('fails with TransientError within seconds once storage is down, and recovers when it is back', async () => {
    // Prepare
    await store.findings.put(sampleFinding());
    await azurite.stop();

    // Act
    const failures = await Promise.all([
      failureOf(store.findings.get(sampleFinding().key)),
      failureOf(store.findings.putMany([sampleFinding()])),
      failureOf(store.history.list(sampleHistory().key)),
      failureOf(store.processedEvents.seen([{ eventId: 'evt-1', eventTime: '2025-01-02T03:04:05Z' }])),
      failureOf(store.findings.list()[Symbol.asyncIterator]().next()),
    ]);
    await azurite.start();
    const afterRestart = await failureOf(store.findings.put(sampleFinding()));
    await store.findings.put(sampleFinding());

    // Assess
    for (const { error, ms } of failures) {
      expect(error).toBeInstanceOf(TransientError);
      expect(ms).toBeLessThan(5_000);
    }
    expect(afterRestart.error, 'the tables vanished with the in-memory data: the first write says so').toBeInstanceOf(TransientError);
    expect(await store.findings.get(sampleFinding().key)).toStrictEqual({ ...sampleFinding(), etag: expect.any(String) });
  });
});

describe('store when storage does not answer', () => {
  let server: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => sockets.add(socket)); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with TransientError once the request times out', async () => {
    // Prepare
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_ACCOUNT_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    const store = createTableStore({ connectionString, prefix: uniquePrefix(), allowInsecureConnection: true, requestTimeoutMs: 300 });

    // Act
    const { error, ms } = await failureOf(store.findings.get(sampleFinding().key));

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/timed out/);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(4_000);
  });
});
