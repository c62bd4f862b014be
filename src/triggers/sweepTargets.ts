import type { EnforcerDeps } from '../enforcer/index.js';

/** The subscriptions a nightly sweep covers: the configured list, else every subscription with settings. */
export async function sweepTargets(deps: EnforcerDeps, configured: readonly string[]): Promise<string[]> {
  if (configured.length > 0) return [...configured];
  const ids: string[] = [];
  for await (const s of deps.settings.list()) ids.push(s.subscriptionId);
  return ids;
}
