/**
 * A timer for work that waits for more to join: each `touch` fires it `gapMs` after the last one,
 * and at most `maxWaitMs` after the first since it last fired (or was cancelled).
 */
export class GapTimer {
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;

  constructor(
    private readonly gapMs: number,
    private readonly maxWaitMs: number,
    private readonly fire: () => void,
  ) {}

  /** One more joined: wait again, within the limit from the first. */
  touch(): void {
    const now = performance.now();
    if (this.timer === undefined) this.firstAt = now;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, Math.max(0, Math.min(this.gapMs, this.firstAt + this.maxWaitMs - now)));
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
