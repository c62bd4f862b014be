import { listSubscriptionSettings, type Log } from '../enforcer/index.js';
import { sendNotifications, type PostOptions, type SendSummary } from '../notify/index.js';
import { addOnceNotices } from './onceNotices.js';
import type { Runtime } from './runtime.js';

/**
 * The notify timer's tick: once-ever notices (expiring exemptions, rollout waves) are added, then the outbox rows of every subscription the enforcer knows (configured,
 * with a settings row, or in the latest sweep run) go out as one digest per channel. Off the event
 * path: recording a change only adds its outbox row to the transaction it already makes.
 */
export async function runNotifySender(runtime: Pick<Runtime, 'deps' | 'config' | 'notifyOutbox'>, log: Log, options: { clock?: () => Date; post?: PostOptions } = {}): Promise<SendSummary | undefined> {
  const { deps, config, notifyOutbox } = runtime;
  if (!notifyOutbox || config.notify.channels.length === 0) return undefined;
  // Read at most once per tick: both the subscriptions and the report link come from it.
  let latest: ReturnType<typeof readLatestRun> | undefined;
  const latestRun = () => (latest ??= readLatestRun(deps));
  await addOnceNotices(deps, notifyOutbox, (options.clock ?? deps.clock)());
  return sendNotifications({
    outbox: notifyOutbox,
    channels: config.notify.channels,
    digestMs: config.notify.digestMs,
    subscriptions: async () => {
      const run = await latestRun();
      const settings = await listSubscriptionSettings(deps);
      return [...config.sweep.subscriptions, ...settings.map((s) => s.subscriptionId), ...(run?.subscriptions.map((s) => s.subscriptionId) ?? [])];
    },
    reportUrl: async () => {
      const run = await latestRun();
      return run && deps.reports ? `${deps.reports.location(run.id)}report.html` : undefined;
    },
    clock: options.clock ?? deps.clock,
    newId: deps.newId,
    log,
    ...(options.post ? { post: options.post } : {}),
  });
}

async function readLatestRun(deps: Runtime['deps']) {
  return (await deps.sweeps.latestRuns(1))[0];
}
