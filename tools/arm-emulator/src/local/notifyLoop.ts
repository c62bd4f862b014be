import type { Log } from '../../../../src/enforcer/index.js';
import { runNotifySender, type Runtime } from '../../../../src/triggers/index.js';
import { startTickLoop } from './tickLoop.js';

/** How often local mode runs the notify timer's tick (Azure: every minute). */
const TICK_MS = 2_000;

/** The notify timer, locally: a tick every 2 s while channels are configured, one at a time; returns its stop. */
export function startNotifyLoop(runtime: Runtime, log: Log): () => Promise<void> {
  if (runtime.config.notify.channels.length === 0) return async () => undefined;
  return startTickLoop('notifications', TICK_MS, () => runNotifySender(runtime, log), log);
}
