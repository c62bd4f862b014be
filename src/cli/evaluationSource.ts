import type { Mode, SiteReader } from '../model/index.js';
import { recordedSubscriptionNames, silentLog, subscriptionContext } from '../enforcer/index.js';
import type { Baseline, Exemption, Policy, SiteRef } from '../policy/index.js';
import type { Finding } from '../model/index.js';
import { createMemoryStore } from '../store/index.js';
import { createRuntime } from '../triggers/index.js';
import type { CliIo } from './io.js';
import { configFor, hasStorage } from './runtimeFor.js';

/** Where the mode, allowed modes and exemptions came from. */
export type SettingsFrom = 'subscription-settings' | 'default-mode' | 'no-storage';

export interface EvaluationContext {
  mode: Mode;
  policy: Policy;
  exemptions: Exemption[];
  settingsFrom: SettingsFrom;
  /** The display name a recent sweep recorded (tables only: no ARM call for it). */
  subscriptionName?: string;
  /** The stored finding and the subscription's enforce baseline: whether a failure is drift or baseline debt. */
  previous?: Finding;
  baseline?: Baseline;
}

/** What `evaluate` reads: ARM for the resource, and the tables (when configured) for its subscription's rules. */
export interface EvaluationSource {
  sites: SiteReader;
  context(ref: SiteRef): Promise<EvaluationContext>;
}

/**
 * The runtime's own ARM adapter and subscription context. Without storage the runtime records
 * into an empty in-memory store: no settings rows (the deployment defaults) and no register.
 */
export async function evaluationSourceFor(io: CliIo): Promise<EvaluationSource> {
  const stored = hasStorage(io.env);
  const config = configFor(io, { storage: stored ? 'required' : 'optional' });
  const { deps } = await createRuntime(config, silentLog, stored ? {} : { memory: createMemoryStore() });
  return {
    sites: deps.sites,
    async context(ref) {
      const [context, exemptions, names, previous] = await Promise.all([
        subscriptionContext(deps, ref.subscriptionId), deps.exemptions.forResource(ref), stored ? recordedSubscriptionNames(deps) : ({} as Record<string, string>),
        deps.findings.get(ref.key),
      ]);
      const settingsFrom: SettingsFrom = !stored ? 'no-storage' : context.fromSettings ? 'subscription-settings' : 'default-mode';
      const subscriptionName = names[ref.subscriptionId.toLowerCase()];
      return {
        mode: context.mode, policy: context.policy, exemptions, settingsFrom, ...(subscriptionName ? { subscriptionName } : {}),
        ...(previous ? { previous } : {}), ...(context.baseline ? { baseline: context.baseline } : {}),
      };
    },
  };
}
