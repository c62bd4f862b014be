import type { SiteEvent } from '../events/index.js';
import type { EnforcerDeps } from './deps.js';
import { GapTimer } from './gapTimer.js';
import { outcomesOf, workEvents, type EventOutcome } from './onSiteWrite.js';

/** How long an open window waits for one more invocation to join before it is worked... */
export const WINDOW_GAP_MS = 4;
/** ...and at most, from the first to join (what an event arriving alone can be kept waiting)... */
export const WINDOW_MAX_WAIT_MS = 12;
/** ...and how many events close it at once (the host runs batchSize + newBatchThreshold = 24 at most). */
export const WINDOW_MAX_EVENTS = 32;

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
  gapMs?: number;
  maxWaitMs?: number;
  maxEvents?: number;
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
  private readonly gapMs: number;
  private readonly maxWaitMs: number;
  private readonly maxEvents: number;

  constructor(options: WindowOptions = {}) {
    this.gapMs = options.gapMs ?? WINDOW_GAP_MS;
    this.maxWaitMs = options.maxWaitMs ?? WINDOW_MAX_WAIT_MS;
    this.maxEvents = options.maxEvents ?? WINDOW_MAX_EVENTS;
  }

  /** Work `events` with whatever else joins the open window; settles on these events' resources alone. */
  submit(deps: EnforcerDeps, events: readonly SiteEvent[]): Promise<EventOutcome[]> {
    return new Promise<EventOutcome[]>((resolve, reject) => {
      const open = (this.open ??= this.opened());
      open.joined.push({ deps, events, resolve, reject });
      open.events += events.length;
      if (open.events >= this.maxEvents) return this.close(open);
      open.timer.touch();
    });
  }

  private opened(): Open {
    const open: Open = { joined: [], events: 0, timer: new GapTimer(this.gapMs, this.maxWaitMs, () => this.close(open)) };
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
      results = await workEvents(first.deps, joined.flatMap((j) => j.events));
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
