import { exclusionPaths } from './exclusionPaths.js';
import type { Judgement } from './judgeClientCert.js';
import { renegotiationAdvice } from './renegotiationAdvice.js';
import type { Policy, SiteSnapshot } from './types.js';

/** Exclusion paths are a weakness always; whether they fail the control is the policy's choice. */
export function judgeExclusionPaths(site: SiteSnapshot, policy: Policy): Judgement {
  const paths = exclusionPaths(site.clientCertExclusionPaths);
  if (paths.length === 0) return { advice: [] };
  const what = `clientCertExclusionPaths lets requests to ${paths.join(', ')} in without a certificate`;
  const advice = [renegotiationAdvice('exclusion-paths')];
  if (policy.exclusionPathsFail) return { failure: { code: 'exclusion-paths', message: `${what}.` }, advice };
  return { advice: [`${what} (reported only: this policy does not fail exclusion paths).`, ...advice] };
}
