import { sameText } from '../policy/index.js';
import type { PlanCandidate, RolloutRules, Tier } from './types.js';

/** The value of the first tag named in `names` (tag names compare case-insensitively, as ARM's do). */
function firstTag(tags: Readonly<Record<string, string>> | undefined, names: readonly string[]): string | undefined {
  if (!tags) return undefined;
  const entries = Object.entries(tags);
  for (const name of names) {
    const found = entries.find(([tag, value]) => sameText(tag, name) && value.trim() !== '');
    if (found) return found[1].trim();
  }
  return undefined;
}

/** Reachable from the internet unless `publicNetworkAccess` is `Disabled` (absent counts as enabled). */
export function isInternetExposed(app: Pick<PlanCandidate, 'publicNetworkAccess'>): boolean {
  return !sameText(app.publicNetworkAccess ?? '', 'Disabled');
}

/** A tag named in `productionTags` holds one of `productionValues` (case-insensitive). */
export function isProduction(app: Pick<PlanCandidate, 'tags'>, rules: RolloutRules): boolean {
  const entries = Object.entries(app.tags ?? {});
  return entries.some(([tag, value]) => rules.productionTags.some((t) => sameText(t, tag)) && rules.productionValues.some((v) => sameText(v, value)));
}

export function ownerOf(app: Pick<PlanCandidate, 'tags'>, rules: RolloutRules): string | undefined {
  return firstTag(app.tags, rules.ownerTags);
}

export function tierOf(internetExposed: boolean, production: boolean): Tier {
  if (internetExposed && production) return 1;
  if (internetExposed) return 2;
  return production ? 3 : 4;
}
