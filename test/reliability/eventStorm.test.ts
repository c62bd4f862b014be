import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSubscriptionSettings } from '../../src/enforcer/index.js';
import type { FaultKind } from '../../tools/arm-emulator/src/emulator/index.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { ALICE, ENFORCER, startStack, type Stack } from '../support/stack.js';
import { allFindings, fleetOf, groundTruth, random, repeatedRows, type FleetResource } from './storm.js';

/**
 * The event storm of issue 8: at-least-once, unordered Event Grid delivery while ARM fails.
 * Every event is sent 1–3 times, the copies are shuffled together with everything else in flight,
 * 20% of ARM requests fail (500, 503, 429 with Retry-After, dropped connection, slow answer), and
 * a delivery answered anything but 200 is sent again, as Event Grid does.
 */
const DELIVERIES = 1_000;
const FAULT_RATE = 0.2;
const FAULT_KINDS: FaultKind[] = ['500', '503', '429', 'drop', 'slow'];
const CONCURRENCY = 8;
const SEED = 20_261_127;
const MAX_ATTEMPTS = 40;

const ENFORCE = 'e5e5e5e5-0000-4000-8000-000000000001';
const AUDIT = 'a5a5a5a5-0000-4000-8000-000000000002';
const { seed, resources } = fleetOf([ENFORCE, AUDIT], 16, 4);

/** User writes: drift, fixes, and writes that change nothing the control reads. */
const WRITES: Array<Record<string, unknown>> = [
  { clientCertEnabled: false },
  { clientCertMode: 'Optional' },
  { clientCertMode: 'OptionalInteractiveUser' },
  { clientCertEnabled: true },
  { clientCertMode: 'Required' },
  { clientCertEnabled: true, clientCertMode: 'Required' },
  { httpsOnly: true },
];

interface Copy {
  event: Record<string, unknown>;
  attempts: number;
}

let stack: Stack;
let azurite: Azurite;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  // Its own Azurite: the storm's table traffic must not slow the shared one other test files use.
  azurite = await startAzurite({ table: true });
  // Flap guard out of the way: this storm undoes the same apps many times on purpose.
  stack = await startStack({ subscribe: false, seed, env: { MTLS_FLAP_MAX_REVERTS: '50', MTLS_STORAGE_CONNECTION: azurite.connectionString } });
  await setSubscriptionSettings(stack.deps, { subscriptionId: ENFORCE, mode: 'enforce', by: 'storm' });
  await setSubscriptionSettings(stack.deps, { subscriptionId: AUDIT, mode: 'audit', by: 'storm' });
  // Baselined before the storm records anything: every app it touches is new since the baseline, so its drift is reverted.
  const row = await stack.deps.settings.get(ENFORCE);
  await stack.deps.settings.recordBaseline(ENFORCE, { at: new Date().toISOString(), runId: 'storm-baseline' }, { updatedAt: row?.updatedAt ?? '' });
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  stack?.emu.faults.clear();
  await stack?.stop();
  await azurite?.stop();
});

describe('event storm under ARM faults', () => {
  it(`${DELIVERIES} shuffled deliveries (each event 1–3 times) with ${FAULT_RATE * 100}% of ARM calls failing end in the ground truth`, async () => {
    const rand = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const queue: Copy[] = [];
    /** Per event id: whether the user write behind it left the resource drifted (the emulator's own state, read at once). */
    const driftAfter = new Map<string, boolean>();
    let seen = 0;
    let scheduled = 0;
    let sent = 0;
    let redelivered = 0;
    const statuses: Record<number, number> = {};
    const gaveUp: string[] = [];

    /** New events (user writes and the enforcer's own PATCHes) join the queue as 1–3 copies each. */
    const enqueueNew = () => {
      for (; seen < stack.events.length; seen++) {
        const event = stack.events[seen] as Record<string, unknown>;
        const copies = 1 + Math.floor(rand() * 3);
        for (let c = 0; c < copies; c++) queue.push({ event, attempts: 0 });
        scheduled += copies;
      }
    };
    const userWrite = (r: FleetResource) => {
      stack.emu.userWrite(r.id, pick(WRITES), ALICE);
      const event = stack.events[stack.events.length - 1] as { id: string };
      driftAfter.set(event.id, groundTruth(stack.emu, r) !== 'compliant');
      enqueueNew();
    };
    const deliver = async (copy: Copy) => {
      copy.attempts++;
      sent++;
      const res = await fetch(stack.host.webhookUrl, {
        method: 'POST',
        body: JSON.stringify([copy.event]),
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification', 'aeg-delivery-count': String(copy.attempts - 1) },
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) return;
      // Event Grid: 400/401/403/413 are never retried; anything else is, later, in any order.
      if ([400, 401, 403, 413].includes(res.status) || copy.attempts >= MAX_ATTEMPTS) {
        gaveUp.push(`${String(copy.event.id)}: ${res.status}`);
        return;
      }
      redelivered++;
      queue.push(copy);
    };

    stack.emu.faults.slowMs = 150;
    stack.emu.faults.set({ rate: FAULT_RATE, kinds: FAULT_KINDS, seed: SEED });
    stack.emu.stats.reset();

    let writing = true;
    let inFlight = 0;
    const worker = async () => {
      for (;;) {
        enqueueNew();
        if (queue.length === 0) {
          if (!writing && inFlight === 0) return;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        // Unordered: any queued copy may go next, a fresh event or a redelivery.
        const [copy] = queue.splice(Math.floor(rand() * queue.length), 1) as [Copy];
        inFlight++;
        try {
          await deliver(copy);
        } finally {
          inFlight--;
        }
      }
    };
    const writer = async () => {
      while (scheduled < DELIVERIES) {
        userWrite(pick(resources));
        await new Promise((r) => setTimeout(r, 1 + rand() * 4));
      }
      writing = false;
    };
    await Promise.all([writer(), ...Array.from({ length: CONCURRENCY }, worker)]);
    const faults = stack.emu.stats.faults;
    stack.emu.faults.clear();

    // Final Findings equal the ground truth read from the emulator: every resource that had an event, nothing else.
    const findings = await allFindings(stack.deps);
    const touched = resources.filter((r) => stack.events.some((e) => String((e.data as { resourceUri: string }).resourceUri).toLowerCase() === r.id.toLowerCase()));
    const diffs = touched.filter((r) => findings.get(r.id.toLowerCase())?.status !== groundTruth(stack.emu, r)).map((r) => `${r.id}: ${findings.get(r.id.toLowerCase())?.status} vs ${groundTruth(stack.emu, r)}`);
    expect(gaveUp).toEqual([]);
    expect(diffs).toEqual([]);
    expect([...findings.keys()].sort()).toEqual(touched.map((r) => r.id.toLowerCase()).sort());
    // Enforce mode left nothing drifted; audit mode left the users' drift for a human.
    expect(touched.filter((r) => r.subscriptionId === ENFORCE && groundTruth(stack.emu, r) !== 'compliant')).toEqual([]);
    expect(touched.some((r) => r.subscriptionId === AUDIT && groundTruth(stack.emu, r) === 'noncompliant')).toBe(true);

    // History: every row records a change, none repeats the one before it, and the newest row is the finding's state.
    let historyRows = 0;
    const repeated: string[] = [];
    for (const r of touched) {
      const rows = await stack.deps.history.list(r.id.toLowerCase());
      historyRows += rows.length;
      for (const row of repeatedRows(rows)) repeated.push(`${r.id} ${row.at} ${row.causeId} ${row.action} ${row.status}`);
      // Its first recording wrote a row, whatever it found.
      expect(rows.length, r.id).toBeGreaterThan(0);
      expect(rows[0]?.status, r.id).toBe(findings.get(r.id.toLowerCase())?.status);
    }
    expect(repeated).toEqual([]);

    // At most one PATCH per drift: in each resource's write order, between two PATCHes of the enforcer (and before
    // the first) there is a user write that left the resource drifted; and each PATCH holds only the client-cert fields.
    const doubled: string[] = [];
    let enforcerPatches = 0;
    for (const r of touched) {
      let drifted = false;
      for (const e of stack.events.filter((x) => String((x.data as { resourceUri: string }).resourceUri).toLowerCase() === r.id.toLowerCase())) {
        const claims = (e.data as { claims: Record<string, string> }).claims;
        const own = claims['http://schemas.microsoft.com/identity/claims/objectidentifier'] === ENFORCER.oid;
        if (!own) {
          // A later user fix does not clear it: the enforcer may have read the drift just before that fix.
          drifted ||= driftAfter.get(String(e.id)) ?? false;
          continue;
        }
        enforcerPatches++;
        if (!drifted) doubled.push(`${r.id}: PATCH ${String(e.id)} with no drift since the last one`);
        drifted = false;
      }
    }
    expect(doubled).toEqual([]);
    const applied = stack.emu.stats.writes.filter((w) => w.caller?.objectId === ENFORCER.oid);
    expect(enforcerPatches).toBeGreaterThan(0);
    expect(applied).toHaveLength(enforcerPatches);
    for (const w of applied) expect({ method: w.method, body: w.body }).toEqual({ method: 'PATCH', body: { properties: { clientCertEnabled: true, clientCertMode: 'Required' } } });

    expect(rejections).toEqual([]);
    expect(faults).toBeGreaterThan(0);
    expect(sent).toBeGreaterThanOrEqual(DELIVERIES);
    const userEvents = driftAfter.size;
    console.info(
      `event storm: ${stack.events.length} events (${userEvents} user writes, ${enforcerPatches} enforcer PATCHes) sent as ${scheduled} deliveries ` +
        `(${scheduled - stack.events.length} duplicates) + ${redelivered} redeliveries = ${sent} POSTs; answers ${JSON.stringify(statuses)}; ` +
        `${faults} ARM faults injected of ${stack.emu.stats.total()} ARM requests; ${touched.length} resources, ${historyRows} history rows; final-state diffs ${diffs.length}`,
    );
  }, 600_000);
});
