import { describeMode } from './describeMode.js';
import { renegotiationAdvice } from './renegotiationAdvice.js';
import { sameText } from './sameText.js';
import type { Policy, Reason, SiteSnapshot } from './types.js';

export interface Judgement {
  failure?: Reason;
  advice: string[];
}

/**
 * The two client-certificate fields: at most one failure. The mode is judged only while client
 * certificates are on, because Azure reports `Required` even while they are off.
 */
export function judgeClientCert(site: SiteSnapshot, policy: Policy): Judgement {
  if (site.clientCertEnabled !== true) return { failure: disabled(site), advice: [] };
  const mode = site.clientCertMode;
  const advice = mode !== undefined && sameText(mode, 'OptionalInteractiveUser') ? [renegotiationAdvice('mode')] : [];
  if (mode === undefined || !policy.allowedModes.some((allowed) => sameText(allowed, mode))) {
    return { failure: { code: 'mode-not-required', message: modeMessage(mode, policy) }, advice };
  }
  // A subscription may choose to allow weaker modes; the finding keeps that choice visible.
  if (!sameText(mode, 'Required')) {
    advice.push(`clientCertMode ${describeMode(mode)} passes only because this policy allows it (${allowedList(policy)}); it lets clients in without a certificate.`);
  }
  return { advice };
}

function disabled(site: SiteSnapshot): Reason {
  const state = site.clientCertEnabled === false ? 'Client certificates are off' : 'clientCertEnabled is not set, which means off';
  const ignoredMode = site.clientCertMode ? ` clientCertMode reads ${site.clientCertMode}, which has no effect while they are off.` : '';
  return {
    code: 'client-cert-disabled',
    message: `${state} (portal "Ignore"): the app accepts clients without a certificate.${ignoredMode}`,
  };
}

function modeMessage(mode: string | undefined, policy: Policy): string {
  const allowed = allowedList(policy);
  if (mode === undefined || mode.trim() === '') {
    return `Client certificates are on but no clientCertMode is set, which is treated as not allowed (${allowed}).`;
  }
  const known = sameText(mode, 'Optional') || sameText(mode, 'OptionalInteractiveUser');
  const effect = known ? ', which lets clients in without a certificate' : '';
  return `Client certificates are on but clientCertMode is ${describeMode(mode)}${effect}; not allowed (${allowed}).`;
}

function allowedList(policy: Policy): string {
  return `allowed: ${policy.allowedModes.map(describeMode).join(', ') || 'none'}`;
}
