import { ConflictError, TransientError } from '../errors.js';
import type { Finding, HistoryEntry } from '../model/index.js';
import type { FindingsPort } from '../model/index.js';
import { GapTimer } from './gapTimer.js';

type Expectation = { etag: string } | { absent: true };

interface Waiting {
  finding: Finding;
  expect: Expectation | undefined;
  /** The history row that goes with the finding (in the same transaction). */
  history: HistoryEntry | undefined;
  resolve: (etag: string | undefined) => void;
  reject: (err: unknown) => void;
}

/** How long the waiting writes wait for one more to join before they go out anyway... */
export const COALESCE_GAP_MS = 15;
/** ...and at most, from the first of them. */
export const MAX_COALESCE_WAIT_MS = 60;

/**
 * The finding writes of one delivery's handlers, sent together: once every handler still running
 * is waiting on a write (or when none has joined for `gapMs`, or `maxWaitMs` after the first began
 * to wait), the waiting rows go out as one transaction per subscription instead of a request each,
 * each finding with its history row. Each write keeps its own contract: conditional on its
 * version, a changed row rejects with ConflictError and its history row is not written (the
 * transaction falls back to one per finding to say which), any other failure rejects all that went with it.
 */
export class DeliveryWrites {
  private running: number;
  private readonly waiting: Waiting[] = [];
  private readonly timer: GapTimer;

  constructor(
    private readonly store: FindingsPort,
    handlers: number,
    gapMs = COALESCE_GAP_MS,
    maxWaitMs = MAX_COALESCE_WAIT_MS,
  ) {
    this.running = handlers;
    this.timer = new GapTimer(gapMs, maxWaitMs, () => this.flush());
  }

  /** The port the handlers write through. */
  port(): FindingsPort {
    return { ...this.store, put: (finding, expect, history) => this.put(finding, expect, history) };
  }

  /** One more handler is running (for callers that start them as they go, from `handlers` = 0). */
  began(): void {
    this.running++;
  }

  /** A handler is done (it will write nothing more). */
  finished(): void {
    this.running--;
    this.consider();
  }

  private put(finding: Finding, expect: Expectation | undefined, history: HistoryEntry | undefined): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve, reject) => {
      this.waiting.push({ finding, expect, history, resolve, reject });
      this.consider();
    });
  }

  private consider(): void {
    if (this.waiting.length === 0) return;
    if (this.waiting.length >= this.running) return this.flush();
    // Handlers reach their writes spread out when the machine is busy: wait while they keep coming.
    this.timer.touch();
  }

  private flush(): void {
    this.timer.cancel();
    const batch = this.waiting.splice(0);
    // A row twice in one transaction is not allowed (and the order of the two would be lost): the later ones go alone.
    const first = new Map<string, Waiting>();
    for (const w of batch) if (!first.has(w.finding.key)) first.set(w.finding.key, w);
    for (const w of batch) if (first.get(w.finding.key) !== w) void this.alone(w);
    const together = [...first.values()];
    if (together.length === 1) void this.alone(together[0] as Waiting);
    else if (together.length > 1) void this.together(together);
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      w.resolve(await this.store.put(w.finding, w.expect, w.history));
    } catch (err) {
      w.reject(err);
    }
  }

  private async together(batch: Waiting[]): Promise<void> {
    const expect = new Map<string, Expectation>();
    const history = new Map<string, HistoryEntry>();
    for (const w of batch) if (w.expect) expect.set(w.finding.key, w.expect);
    for (const w of batch) if (w.history) history.set(w.finding.key, w.history);
    try {
      const { conflicts, etags } = await this.store.putMany(batch.map((w) => w.finding), expect, history);
      const changed = new Set(conflicts);
      for (const w of batch) {
        if (changed.has(w.finding.key)) w.reject(new ConflictError(`finding ${w.finding.key} changed since it was read`));
        else w.resolve(etags?.get(w.finding.key));
      }
    } catch (err) {
      // Storage is failing: every write of the batch would meet the same. Anything else (a row
      // the table refuses) is one row's problem: the others go alone, as they would have.
      if (err instanceof TransientError) for (const w of batch) w.reject(err);
      else await Promise.all(batch.map((w) => this.alone(w)));
    }
  }
}
