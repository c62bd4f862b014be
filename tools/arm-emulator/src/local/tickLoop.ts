import type { Log } from '../../../../src/enforcer/index.js';

/**
 * A timer trigger, locally: `tick` every `everyMs`, one at a time (a tick that falls due while the
 * last one still runs is skipped, as the Functions host skips an overdue timer); a failed tick is
 * logged and the next one runs. Returns its stop, which waits for the tick in progress.
 */
export function startTickLoop(name: string, everyMs: number, tick: () => Promise<unknown>, log: Log): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = Promise.resolve()
      .then(tick)
      .then(
        () => undefined,
        (err: unknown) => log('warn', `${name}: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
