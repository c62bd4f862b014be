import { describe, expect, it } from 'vitest';
import { DeliveryWrites } from '../../src/enforcer/deliveryWrites.js';
import type { FindingsPort } from '../../src/model/index.js';
import { ConflictError, TransientError } from '../../src/errors.js';
import { createMemoryStore } from '../../src/store/index.js';
import type { Finding } from '../../src/model/index.js';
import { sampleFinding, siteId, SUB_A } from '../store/storeFixture.js';

const finding = (i: number, overrides: Partial<Finding> = {}) => sampleFinding({ resourceId: siteId(SUB_A, 'rg', `app-${i}`), ...overrides });

/** The memory store's findings, with every call it receives written down. */
function recorded(): { port: FindingsPort; calls: string[] } {
  const { findings } = createMemoryStore();
  const calls: string[] = [];
  return {
    calls,
    port: {
      ...findings,
      put: (f, expect) => (calls.push(`put ${f.key.split('/').pop()}`), findings.put(f, expect)),
      putMany: (fs, expect) => (calls.push(`putMany ${fs.map((f) => f.key.split('/').pop()).join(',')}`), findings.putMany(fs, expect)),
    },
  };
}

describe('DeliveryWrites', () => {
  it('sends the writes of all running handlers together, once the last one is waiting', async () => {
    // Prepare
    const { port, calls } = recorded();
    const writes = new DeliveryWrites(port, 3, 60_000, 60_000);

    // Act
    const all = Promise.all([0, 1, 2].map((i) => writes.port().put(finding(i), { absent: true })));
    await all;

    // Assess
    expect(calls).toEqual(['putMany app-0,app-1,app-2']);
    expect((await port.get(finding(1).key))?.key).toBe(finding(1).key);
  });

  it('does not wait for a handler that has finished, and sends a lone write alone', async () => {
    // Prepare
    const { port, calls } = recorded();
    const writes = new DeliveryWrites(port, 2, 60_000, 60_000);

    // Act
    const pending = writes.port().put(finding(0));
    writes.finished();
    await pending;

    // Assess
    expect(calls).toEqual(['put app-0']);
  });

  it('sends what is waiting after the longest wait, when a handler is still busy', async () => {
    // Prepare
    const { port, calls } = recorded();
    const writes = new DeliveryWrites(port, 3, 5, 5);

    // Act
    await Promise.all([writes.port().put(finding(0)), writes.port().put(finding(1))]);

    // Assess
    expect(calls).toEqual(['putMany app-0,app-1']);
  });

  it('keeps waiting while writes keep joining, up to the longest wait', async () => {
    // Prepare
    const { port, calls } = recorded();
    const writes = new DeliveryWrites(port, 4, 400, 10_000);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    // Act: three writes 15 ms apart (each well within the 400 ms gap), the fourth handler busy
    const first = writes.port().put(finding(0));
    await pause(15);
    const second = writes.port().put(finding(1));
    await pause(15);
    await Promise.all([first, second, writes.port().put(finding(2))]);

    // Assess
    expect(calls).toEqual(['putMany app-0,app-1,app-2']);
  });

  it('rejects only the write whose row changed, with ConflictError', async () => {
    // Prepare
    const { port } = recorded();
    await port.put(finding(1));
    const writes = new DeliveryWrites(port, 3, 60_000, 60_000);

    // Act
    const results = await Promise.allSettled([
      writes.port().put(finding(0), { absent: true }),
      writes.port().put(finding(1, { status: 'deleted' }), { etag: 'W/"not-the-version"' }),
      writes.port().put(finding(2), { absent: true }),
    ]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect((await port.get(finding(1).key))?.status).not.toBe('deleted');
  });

  it('sends a second write of the same row on its own (one transaction may not hold a row twice)', async () => {
    // Prepare
    const { port, calls } = recorded();
    const writes = new DeliveryWrites(port, 3, 60_000, 60_000);

    // Act
    await Promise.all([writes.port().put(finding(0)), writes.port().put(finding(0, { status: 'noncompliant' })), writes.port().put(finding(1))]);

    // Assess
    expect(calls.sort()).toEqual(['put app-0', 'putMany app-0,app-1']);
  });

  it('fails every write of a transaction that storage could not take, so the delivery is retried', async () => {
    // Prepare
    const { port } = recorded();
    const failing: FindingsPort = { ...port, putMany: () => Promise.reject(new TransientError('storage timed out')) };
    const writes = new DeliveryWrites(failing, 2, 60_000, 60_000);

    // Act
    const results = await Promise.allSettled([writes.port().put(finding(0)), writes.port().put(finding(1))]);

    // Assess
    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof TransientError)).toEqual([true, true]);
  });
});
