import { isInternetExposed, isProduction, ownerOf, tierOf } from './appTraits.js';
import { EXCLUDED_STATUSES, isDebt } from './isDebt.js';
import { planOrder } from './planOrder.js';
import type { ExcludedApp, PlanCandidate, PlanOptions, PlannedApp, PlannedWave, RolloutPlan, RolloutRules } from './types.js';

/**
 * An ordered plan of the debt among `findings`: internet-exposed production apps first, then
 * internet-exposed, then production, then the rest; inside a tier by subscription, resource group
 * and name, so the same findings always give the same waves. Pure: ids and time come in.
 */
export function planRollout(findings: Iterable<PlanCandidate>, rules: RolloutRules, options: PlanOptions): RolloutPlan {
  const covered = new Set(options.subscriptions.map((s) => s.toLowerCase()));
  const apps: PlannedApp[] = [];
  const excluded: ExcludedApp[] = [];
  for (const f of findings) {
    if (!covered.has(f.subscriptionId.toLowerCase())) continue;
    if (EXCLUDED_STATUSES.has(f.status)) excluded.push(excludedApp(f, rules));
    else if (isDebt(f)) apps.push(plannedApp(f, rules));
  }
  apps.sort(planOrder);
  excluded.sort((a, b) => a.key.localeCompare(b.key));
  return {
    id: options.id,
    createdAt: options.now.toISOString(),
    subscriptions: [...covered].sort(),
    waveSize: options.waveSize,
    everyMs: options.everyMs,
    auto: options.auto,
    waves: waves(apps, options),
    excluded,
  };
}

function waves(apps: PlannedApp[], options: PlanOptions): PlannedWave[] {
  const out: PlannedWave[] = [];
  for (let i = 0; i < apps.length; i += options.waveSize) {
    const number = out.length + 1;
    const notBefore = new Date(options.firstWaveAt.getTime() + (number - 1) * options.everyMs).toISOString();
    out.push({ number, notBefore, apps: apps.slice(i, i + options.waveSize) });
  }
  return out;
}

function plannedApp(f: PlanCandidate, rules: RolloutRules): PlannedApp {
  const internetExposed = isInternetExposed(f);
  const production = isProduction(f, rules);
  const app: PlannedApp = {
    key: f.key,
    resourceId: f.resourceId,
    subscriptionId: f.subscriptionId.toLowerCase(),
    resourceGroup: f.resourceGroup,
    name: appName(f),
    tier: tierOf(internetExposed, production),
    internetExposed,
    production,
  };
  const owner = ownerOf(f, rules);
  if (owner) app.owner = owner;
  return app;
}

function excludedApp(f: PlanCandidate, rules: RolloutRules): ExcludedApp {
  const reason = f.status === 'unsupported-plan' ? 'needs Basic or higher' : (f.reasons[0]?.message ?? f.status);
  const out: ExcludedApp = { key: f.key, resourceId: f.resourceId, subscriptionId: f.subscriptionId.toLowerCase(), resourceGroup: f.resourceGroup, name: appName(f), status: f.status, reason };
  const owner = ownerOf(f, rules);
  if (owner) out.owner = owner;
  return out;
}

const appName = (f: PlanCandidate) => (f.slot ? `${f.site}/${f.slot}` : f.site);
