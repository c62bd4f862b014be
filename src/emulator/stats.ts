import type { EmulatorCaller } from './model.js';

/** A write the emulator received, kept so tests can assert exactly what a client sent. */
export interface RecordedWrite {
  method: string;
  path: string;
  body: unknown;
  caller?: EmulatorCaller;
  status: number;
  at: string;
}

/** Request counters by operation (`GET site`, `LIST sites`, `PATCH slot`, ...) plus throttling and faults. */
export class EmulatorStats {
  counts: Record<string, number> = {};
  throttled = 0;
  faults = 0;
  writes: RecordedWrite[] = [];

  count(name: string): void {
    this.counts[name] = (this.counts[name] ?? 0) + 1;
  }

  total(prefix = ''): number {
    return Object.entries(this.counts).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);
  }

  reset(): void {
    this.counts = {};
    this.throttled = 0;
    this.faults = 0;
    this.writes = [];
  }

  snapshot(): { counts: Record<string, number>; throttled: number; faults: number; writes: RecordedWrite[] } {
    return { counts: { ...this.counts }, throttled: this.throttled, faults: this.faults, writes: [...this.writes] };
  }
}
