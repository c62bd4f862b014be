import { portalName } from '../policy/index.js';
import { compareText } from './compareText.js';
import type { AllowedModesChoice, SubscriptionModeInput } from './types.js';

/**
 * Subscriptions whose settings let anything but `Required` pass. Some teams ask for `Optional`;
 * it lets clients in without a certificate, so the report names the choice (API and portal names).
 */
export function allowedModesChoices(modes: Record<string, SubscriptionModeInput>): AllowedModesChoice[] {
  return Object.entries(modes)
    .filter(([, setting]) => setting.allowedModes.some((mode) => mode.trim().toLowerCase() !== 'required'))
    .sort(([a], [b]) => compareText(a.toLowerCase(), b.toLowerCase()))
    .map(([subscriptionId, setting]) => ({
      subscriptionId,
      mode: setting.mode,
      allowedModes: setting.allowedModes.map((api) => ({ api, portal: portalName(api, true) })),
    }));
}
