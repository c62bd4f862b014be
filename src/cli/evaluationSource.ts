import { readFile } from 'node:fs/promises';
import { createArmCredential, createArmSites } from '../azure/index.js';
import type { Config } from '../config/index.js';
import type { Mode, SiteReader } from '../enforcer/index.js';
import { policyForSubscription, type Exemption, type Policy, type SiteRef } from '../policy/index.js';
import type { CliIo } from './io.js';
import { configFor, depsFor, hasStorage } from './runtimeFor.js';

/** Where the mode, allowed modes and exemptions came from. */
export type SettingsFrom = 'subscription-settings' | 'default-mode' | 'no-storage';

export interface EvaluationContext {
  mode: Mode;
  policy: Policy;
  exemptions: Exemption[];
  settingsFrom: SettingsFrom;
}

/** What `evaluate` reads: ARM for the resource, and the tables (when configured) for its subscription's rules. */
export interface EvaluationSource {
  sites: SiteReader;
  context(ref: SiteRef): Promise<EvaluationContext>;
}

export async function evaluationSourceFor(io: CliIo): Promise<EvaluationSource> {
  if (!hasStorage(io.env)) return armOnly(configFor(io, { storage: 'optional' }));
  const deps = await depsFor(io);
  return {
    sites: deps.sites,
    async context(ref) {
      const [settings, exemptions] = await Promise.all([deps.settings.get(ref.subscriptionId), deps.exemptions.forResource(ref)]);
      const overrides = settings?.allowedModes ? { allowedModes: settings.allowedModes } : undefined;
      return {
        mode: settings?.mode ?? deps.remediation.defaultMode,
        policy: policyForSubscription(deps.policy, overrides),
        exemptions,
        settingsFrom: settings ? 'subscription-settings' : 'default-mode',
      };
    },
  };
}

/** No storage: the ARM adapter alone, judged by the deployment's policy and default mode, no register. */
async function armOnly(config: Config): Promise<EvaluationSource> {
  const credential = await createArmCredential(config.arm);
  const caCertPem = config.arm.caCertPath ? await readFile(config.arm.caCertPath, 'utf8') : undefined;
  const sites = createArmSites({ endpoint: config.arm.endpoint, credential, ...(caCertPem ? { caCertPem } : {}) });
  return {
    sites,
    context: async () => ({ mode: config.remediation.defaultMode, policy: config.policy, exemptions: [], settingsFrom: 'no-storage' }),
  };
}
