import type { Reason } from './types.js';

const UNSUPPORTED = new Set(['free', 'shared']);

/** The `unsupported-plan` reason for Free and Shared sites, which Azure refuses client certificates; else undefined. */
export function unsupportedPlanReason(sku: string | undefined): Reason | undefined {
  if (!sku || !UNSUPPORTED.has(sku.trim().toLowerCase())) return undefined;
  return {
    code: 'unsupported-plan',
    message: `The ${sku} tier cannot require client certificates (Azure rejects the setting on Free and Shared plans); move the app to Basic or higher to comply.`,
  };
}
