import type { EmulatorCaller } from './token.js';

/** A write the emulator received over HTTP, kept so tests can assert exactly what a client sent. */
export interface RecordedWrite {
  method: string;
  path: string;
  body: unknown;
  caller: EmulatorCaller;
  status: number;
  at: string;
}

export interface StatsSnapshot {
  counts: Record<string, number>;
  /** ARM requests by subscription id (lowercase), counted as `counts` are. */
  bySubscription: Record<string, number>;
  statuses: Record<string, number>;
  throttled: number;
  faults: number;
  writes: RecordedWrite[];
}

/** Writes kept at most; older ones are dropped so a long benchmark stays small. */
const MAX_WRITES = 10_000;

/**
 * Counters of ARM requests by operation (`GET site`, `LIST sites`, `PATCH slot`, ...; every
 * attempt, throttled or faulted ones included) and by answer status, plus the writes' bodies.
 */
export class EmulatorStats {
  counts: Record<string, number> = {};
  bySubscription: Record<string, number> = {};
  statuses: Record<string, number> = {};
  throttled = 0;
  faults = 0;
  writes: RecordedWrite[] = [];

  /** One ARM request: by operation, and by subscription when its path names one. */
  count(operation: string, subscriptionId?: string): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
    if (subscriptionId) {
      const key = subscriptionId.toLowerCase();
      this.bySubscription[key] = (this.bySubscription[key] ?? 0) + 1;
    }
  }

  answered(status: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }

  recordWrite(write: RecordedWrite): void {
    this.writes.push(write);
    if (this.writes.length > MAX_WRITES) this.writes.splice(0, this.writes.length - MAX_WRITES);
  }

  /** The PATCH requests received, oldest first. */
  patches(): RecordedWrite[] {
    return this.writes.filter((w) => w.method === 'PATCH');
  }

  /** Sum of the counters whose name starts with `prefix` (e.g. `GET `, `PATCH `). */
  total(prefix = ''): number {
    return Object.entries(this.counts).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);
  }

  reset(): void {
    this.counts = {};
    this.bySubscription = {};
    this.statuses = {};
    this.throttled = 0;
    this.faults = 0;
    this.writes = [];
  }

  snapshot(): StatsSnapshot {
    return { counts: { ...this.counts }, bySubscription: { ...this.bySubscription }, statuses: { ...this.statuses }, throttled: this.throttled, faults: this.faults, writes: [...this.writes] };
  }
}
