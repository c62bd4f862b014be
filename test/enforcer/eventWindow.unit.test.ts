import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventWindow, WINDOW_GAP_MS, WINDOW_MAX_EVENTS, WINDOW_MAX_WAIT_MS, type EnforcerDeps, type EventOutcome } from '../../src/enforcer/index.js';
import type { SiteEvent } from '../../src/events/index.js';

/**
 * When a window of queue invocations closes: at once on a full host batch, else one gap after the
 * last joiner (what the host's next poll brings joins), never later than the maximum wait.
 * The windows' work is recorded instead of done (the e2e queue tests run the real thing).
 */
const deps = {} as EnforcerDeps; // never used: the recorded work below does not touch it

function event(n: number, app = n): SiteEvent {
  const id = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app-${app}`;
  return {
    eventId: `e${n}`, eventType: 'Microsoft.Resources.ResourceWriteSuccess', schema: 'eventgrid', operationName: 'Microsoft.Web/sites/write',
    resourceUri: id, target: { subscriptionId: 's', resourceGroup: 'rg', site: `app-${app}`, id, key: id.toLowerCase() },
    action: 'evaluate', caller: { name: 'user' }, eventTime: '2026-12-04T12:00:00.000Z',
  };
}

let windows: Array<{ at: number; events: string[] }>;
let window: EventWindow;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  windows = [];
  window = new EventWindow({
    work: async (_deps, events) => {
      windows.push({ at: performance.now(), events: events.map((e) => e.eventId) });
      const outcome = (e: SiteEvent): PromiseSettledResult<EventOutcome> => ({ status: 'fulfilled', value: { key: e.target.key, eventIds: [e.eventId], outcome: 'recorded' } });
      return new Map(events.map((e) => [e.eventId, outcome(e)]));
    },
  });
});

afterEach(() => {
  vi.useRealTimers();
});

const join = (from: number, count: number, app?: number) => Array.from({ length: count }, (_, i) => window.submit(deps, [event(from + i, app)]));

describe('EventWindow', () => {
  it('works a full host batch at once, without waiting for the gap', async () => {
    const start = performance.now();
    const settled = join(0, WINDOW_MAX_EVENTS);

    await vi.advanceTimersByTimeAsync(0);

    expect(windows).toEqual([{ at: start, events: Array.from({ length: WINDOW_MAX_EVENTS }, (_, i) => `e${i}`) }]);
    expect((await Promise.all(settled)).map((o) => o[0]?.eventIds)).toEqual(Array.from({ length: WINDOW_MAX_EVENTS }, (_, i) => [`e${i}`]));
  });

  it('waits one gap after a partial batch, so what the next poll brings joins the same window', async () => {
    const start = performance.now();
    const first = join(0, 2, 7);
    await vi.advanceTimersByTimeAsync(WINDOW_GAP_MS - 1);
    expect(windows).toEqual([]);

    // The host's next poll answers within the gap: the rest of the app's writes join.
    const second = join(2, 2, 7);
    await vi.advanceTimersByTimeAsync(WINDOW_GAP_MS - 1);
    expect(windows).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);

    expect(windows).toEqual([{ at: start + 2 * WINDOW_GAP_MS - 1, events: ['e0', 'e1', 'e2', 'e3'] }]);
    // Each invocation settles on its own event.
    expect((await Promise.all([...first, ...second])).map((o) => o[0]?.eventIds)).toEqual([['e0'], ['e1'], ['e2'], ['e3']]);
  });

  it('keeps an event that arrives alone no longer than the gap, and any window no longer than the maximum wait', async () => {
    const start = performance.now();
    void join(0, 1);
    await vi.advanceTimersByTimeAsync(WINDOW_GAP_MS);
    expect(windows).toEqual([{ at: start + WINDOW_GAP_MS, events: ['e0'] }]);

    // Joiners that keep coming just inside the gap: closed at the maximum wait all the same.
    const opened = performance.now();
    for (let i = 1; performance.now() - opened < WINDOW_MAX_WAIT_MS + WINDOW_GAP_MS; i++) {
      void join(i, 1);
      await vi.advanceTimersByTimeAsync(WINDOW_GAP_MS - 1);
    }
    expect(windows[1]?.at).toBe(opened + WINDOW_MAX_WAIT_MS);
  });

  it('starts a new window for what joins after one closed', async () => {
    void join(0, WINDOW_MAX_EVENTS);
    void join(WINDOW_MAX_EVENTS, 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MAX_WAIT_MS);

    expect(windows.map((w) => w.events.length)).toEqual([WINDOW_MAX_EVENTS, 1]);
  });
});
