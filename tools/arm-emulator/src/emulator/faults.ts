/**
 * What can go wrong with an ARM request: an error status, a dropped connection, a slow answer
 * (which then proceeds normally), `202` — a successful PATCH answered 202 as Update may be in Azure —
 * or a write refused as Azure refuses it: `policy` (403 RequestDisallowedByPolicy, an Azure Policy
 * deny) and `locked` (409 ScopeLocked, a management lock).
 */
export type FaultKind = '500' | '503' | '429' | '403' | 'drop' | 'slow' | '202' | 'policy' | 'locked';

/** The request a fault decision is about. */
export interface FaultRequest {
  method: string;
  path: string;
}

export interface FaultRule {
  kind: FaultKind;
  /** Only requests with this method (GET, PATCH, ...). */
  method?: string;
  /** Only requests whose path contains this text (case-insensitive). */
  pathIncludes?: string;
}

export interface RandomFaults {
  /** Share of ARM requests that fail, 0..1. */
  rate: number;
  kinds: FaultKind[];
  method?: string;
  pathIncludes?: string;
  /** Seed of the deterministic generator, so a faulty run can be replayed. */
  seed?: number;
}

/** Per-request decision, for anything the rules cannot say. */
export type FaultDecider = (request: FaultRequest) => FaultKind | undefined;

export type FaultOptions = RandomFaults | FaultDecider;

/** Decides which requests fail: queued one-off faults first, then the decider or random rate. */
export class FaultPlan {
  private readonly queued: Array<FaultRule & { remaining: number }> = [];
  private state = 42;
  private source: FaultOptions | undefined;
  /** How long a `slow` fault holds the answer. */
  slowMs = 1500;

  constructor(source?: FaultOptions) {
    this.set(source);
  }

  /** Replace the standing faults (random rate or decider); `undefined` turns them off. */
  set(source: FaultOptions | undefined): void {
    this.source = source;
    if (source && typeof source !== 'function' && source.seed !== undefined) this.state = source.seed;
  }

  /** Fail the next `count` matching requests with `rule.kind`. */
  inject(rule: FaultRule, count = 1): void {
    this.queued.push({ ...rule, remaining: count });
  }

  clear(): void {
    this.queued.length = 0;
    this.source = undefined;
  }

  pick(request: FaultRequest): FaultKind | undefined {
    const i = this.queued.findIndex((q) => matches(q, request));
    if (i >= 0) {
      const rule = this.queued[i] as FaultRule & { remaining: number };
      if (--rule.remaining <= 0) this.queued.splice(i, 1);
      return rule.kind;
    }
    const source = this.source;
    if (typeof source === 'function') return source(request);
    if (!source || source.rate <= 0 || source.kinds.length === 0 || !matches(source, request)) return undefined;
    if (this.next() >= source.rate) return undefined;
    return source.kinds[Math.floor(this.next() * source.kinds.length)];
  }

  /** A small linear congruential generator: deterministic, unlike Math.random. */
  private next(): number {
    this.state = (this.state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return this.state / 2_147_483_648;
  }
}

function matches(rule: { method?: string; pathIncludes?: string }, request: FaultRequest): boolean {
  const methodOk = !rule.method || rule.method.toUpperCase() === request.method.toUpperCase();
  return methodOk && (!rule.pathIncludes || request.path.toLowerCase().includes(rule.pathIncludes.toLowerCase()));
}
