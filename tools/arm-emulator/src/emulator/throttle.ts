/** Token-bucket sizes: a burst, then a steady refill per second. */
export interface ThrottleLimits {
  readBurst: number;
  readPerSecond: number;
  writeBurst: number;
  writePerSecond: number;
}

/** Azure's documented per-subscription, per-principal limits: reads 250 burst then 25/s, writes 200 then 10/s. */
export const AZURE_LIMITS: Readonly<ThrottleLimits> = Object.freeze({ readBurst: 250, readPerSecond: 25, writeBurst: 200, writePerSecond: 10 });

export type ThrottleDecision = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets per key (subscription and principal) and kind; `false` limits let everything through. */
export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  private current: ThrottleLimits | false;

  constructor(
    limits: Partial<ThrottleLimits> | false,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.current = limits === false ? false : { ...AZURE_LIMITS, ...limits };
  }

  get limits(): ThrottleLimits | false {
    return this.current;
  }

  /** New limits start with full buckets. */
  set limits(limits: Partial<ThrottleLimits> | false) {
    this.current = limits === false ? false : { ...AZURE_LIMITS, ...limits };
    this.buckets.clear();
  }

  take(key: string, kind: 'read' | 'write'): ThrottleDecision {
    if (!this.current) return { ok: true, remaining: 1_000_000 };
    const burst = kind === 'read' ? this.current.readBurst : this.current.writeBurst;
    const rate = kind === 'read' ? this.current.readPerSecond : this.current.writePerSecond;
    const now = this.now();
    const id = `${key.toLowerCase()}|${kind}`;
    const bucket = this.buckets.get(id) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    // A zero refill rate never recovers; say an hour rather than Infinity.
    const waitMs = rate > 0 ? ((1 - bucket.tokens) / rate) * 1000 : 3_600_000;
    return { ok: false, retryAfterMs: Math.ceil(waitMs) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
