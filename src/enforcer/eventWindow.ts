import type { SiteEvent } from '../events/index.js';
import type { EnforcerDeps } from './deps.js';
import { GapTimer } from './gapTimer.js';
import { outcomesOf, workEvents, type EventOutcome } from './onSiteWrite.js';

/**
 * How long an open window waits for one more invocation to join before it is worked. A window
 * that is not full was handed a partial batch: the queue was drained, and the host polls again at
 * once (it does whenever newBatchThreshold or fewer run), so this is about one receive round trip:
 * what that poll brings (the rest of a deployment's writes for the same app) joins the window...
 */
export const WINDOW_GAP_MS = 6;
/** ...and at most, from the first to join (what an event arriving alone can be kept waiting)... */
export const WINDOW_MAX_WAIT_MS = 16;
/**
 * ...and how many events close it at once: host.json's `batchSize`. A full batch is worked without
 * waiting: the host hands over nothing more until newBatchThreshold or fewer of its invocations run.
 */
export const WINDOW_MAX_EVENTS = 16;

interface Joined {
  deps: EnforcerDeps;
  events: readonly SiteEvent[];
  resolve: (outcomes: EventOutcome[]) => void;
  reject: (err: unknown) => void;
}

interface Open {
  joined: Joined[];
  events: number;
  timer: GapTimer;
}

export interface WindowOptions {
  /** What works a closed window's events (workEvents; a test may watch when windows close). */
  work?: typeof workEvents;
}

/**
 * Concurrent invocations in one process (the Functions host runs up to `batchSize` queue messages
 * at once) worked as one delivery: the events that join within a short window go through
 * `workEvents` together, so the window costs one dedupe query, one mark transaction, one settings
 * and register read, one ARM read per resource, and its findings are written in transactions
 * (DeliveryWrites). Each invocation still settles on its own events alone: it resolves with the
 * outcomes of their resources, or rejects with why one of them failed, and only once that is
 * durable (workEvents settles after the finding writes and the mark). The window's work logs
 * through the first joiner's deps (its invocation cannot finish before the window's work has).
 */
export class EventWindow {
  private open: Open | undefined;
  private readonly workEvents: typeof workEvents;

  constructor(options: WindowOptions = {}) {
    this.workEvents = options.work ?? workEvents;
  }

  /** Work `events` with whatever else joins the open window; settles on these events' resources alone. */
  submit(deps: EnforcerDeps, events: readonly SiteEvent[]): Promise<EventOutcome[]> {
    return new Promise<EventOutcome[]>((resolve, reject) => {
      const open = (this.open ??= this.opened());
      open.joined.push({ deps, events, resolve, reject });
      open.events += events.length;
      if (open.events >= WINDOW_MAX_EVENTS) return this.close(open);
      open.timer.touch();
    });
  }

  private opened(): Open {
    const open: Open = { joined: [], events: 0, timer: new GapTimer(WINDOW_GAP_MS, WINDOW_MAX_WAIT_MS, () => this.close(open)) };
    return open;
  }

  private close(open: Open): void {
    open.timer.cancel();
    if (this.open === open) this.open = undefined;
    void this.work(open.joined);
  }

  private async work(joined: Joined[]): Promise<void> {
    const first = joined[0] as Joined;
    let results: Map<string, PromiseSettledResult<EventOutcome>>;
    try {
      results = await this.workEvents(first.deps, joined.flatMap((j) => j.events));
    } catch (err) {
      for (const j of joined) j.reject(err);
      return;
    }
    for (const j of joined) settle(j, results);
  }
}

function settle(j: Joined, results: Map<string, PromiseSettledResult<EventOutcome>>): void {
  try {
    j.resolve(outcomesOf([...new Set(j.events.map((e) => results.get(e.eventId) as PromiseSettledResult<EventOutcome>))]));
  } catch (err) {
    j.reject(err);
  }
}
