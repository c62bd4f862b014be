import type { AppKind } from './types.js';

/**
 * What kind of app a `kind` string describes. Logic Apps Standard report `functionapp,workflowapp`,
 * so the workflow test comes first; a kind we never observed is `other`, not guessed to be a web app.
 */
export function appKind(kind: string | undefined): AppKind {
  const lower = (kind ?? '').toLowerCase();
  if (lower.includes('workflowapp')) return 'logic app';
  if (lower.includes('functionapp')) return 'function app';
  const tokens = lower.split(',').map((token) => token.trim());
  if (tokens.includes('app') || tokens.includes('api')) return 'web app';
  return 'other';
}
