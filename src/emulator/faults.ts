export type FaultKind = '500' | '503' | '429' | '403' | 'drop' | 'slow' | '202';

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
}

/** Decides which requests fail: queued one-off faults first, then a seeded random rate. */
export class FaultPlan {
  private readonly queued: Array<FaultRule & { remaining: number }> = [];
  private seed = 42;

  constructor(public random: RandomFaults | undefined = undefined) {}

  /** Fail the next `count` matching requests with `kind`. */
  inject(rule: FaultRule, count = 1): void {
    this.queued.push({ ...rule, remaining: count });
  }

  clear(): void {
    this.queued.length = 0;
    this.random = undefined;
  }

  pick(method: string, path: string): FaultKind | undefined {
    const i = this.queued.findIndex((q) => matches(q, method, path));
    if (i >= 0) {
      const rule = this.queued[i] as FaultRule & { remaining: number };
      if (--rule.remaining <= 0) this.queued.splice(i, 1);
      return rule.kind;
    }
    const r = this.random;
    if (!r || r.rate <= 0 || r.kinds.length === 0 || (r.method && r.method !== method)) return undefined;
    if (this.next() >= r.rate) return undefined;
    return r.kinds[Math.floor(this.next() * r.kinds.length)];
  }

  /** A small deterministic generator, so a faulty run can be replayed. */
  private next(): number {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return this.seed / 2_147_483_648;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  return (!rule.method || rule.method === method) && (!rule.pathIncludes || path.toLowerCase().includes(rule.pathIncludes.toLowerCase()));
}
