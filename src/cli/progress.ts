import type { CliIo } from './io.js';

export interface Progress {
  /** One more resource evaluated. */
  tick(): void;
  /** One more subscription finished. */
  subscriptionDone(): void;
  /** Clear the bar (before the summary is printed). */
  end(): void;
}

const WIDTH = 24;
const REDRAW_MS = 100;

/**
 * A one-line progress bar on standard error, redrawn at most ten times a second, only when
 * standard error is a terminal: pipes, files, CI logs and tests get nothing from it.
 */
export function progressBar(io: CliIo, subscriptions: number): Progress {
  if (io.stderrIsTTY !== true) return { tick() {}, subscriptionDone() {}, end() {} };
  let evaluated = 0;
  let done = 0;
  let drawnAt = 0;
  const started = Date.now();
  const draw = (force = false) => {
    const t = Date.now();
    if (!force && t - drawnAt < REDRAW_MS) return;
    drawnAt = t;
    io.stderr(`\r\u001b[2K${progressLine(done, subscriptions, evaluated, t - started)}`);
  };
  return {
    tick() {
      evaluated++;
      draw();
    },
    subscriptionDone() {
      done++;
      draw(true);
    },
    end() {
      io.stderr('\r\u001b[2K');
    },
  };
}

/** `[#########---------------] 3/8 subscriptions · 1,204 resources · 4.2 s`. */
function progressLine(done: number, total: number, evaluated: number, elapsedMs: number): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  return `[${bar}] ${done}/${total} subscriptions · ${evaluated.toLocaleString('en-US')} resources · ${(elapsedMs / 1000).toFixed(1)} s`;
}
