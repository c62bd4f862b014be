/** Azure's documented per-subscription, per-principal limits: reads 250 burst then 25/s, writes 200 then 10/s. */
export interface ThrottleLimits {
  readBurst: number;
  readPerSecond: number;
  writeBurst: number;
  writePerSecond: number;
}

export const AZURE_LIMITS: ThrottleLimits = { readBurst: 250, readPerSecond: 25, writeBurst: 200, writePerSecond: 10 };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets per subscription and kind; `take` answers remaining tokens or the wait in ms. */
export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    public limits: ThrottleLimits | false,
    private readonly now: () => number = () => Date.now(),
  ) {}

  take(subscriptionId: string, kind: 'read' | 'write'): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
    if (!this.limits) return { ok: true, remaining: 1_000_000 };
    const burst = kind === 'read' ? this.limits.readBurst : this.limits.writeBurst;
    const rate = kind === 'read' ? this.limits.readPerSecond : this.limits.writePerSecond;
    const key = `${subscriptionId.toLowerCase()}|${kind}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / rate) * 1000) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
