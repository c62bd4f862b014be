import type { Section } from './sections.js';
import type { RolloutAppView, RolloutPlanView, RolloutWaveView } from './rolloutTypes.js';

const TIER_TEXT: Readonly<Record<number, string>> = { 1: '1 internet-exposed, production', 2: '2 internet-exposed', 3: '3 production', 4: '4 other' };

export const tierText = (tier: number | undefined): string => (tier === undefined ? '' : (TIER_TEXT[tier] ?? String(tier)));

/** What an owner is sent: their apps in the wave, the date nothing changes before, and what changes. */
function waveSection(plan: RolloutPlanView, wave: RolloutWaveView): Section {
  const rows = wave.apps.map((a) => [a.owner ?? '(no owner tag)', a.name, a.resourceGroup, a.subscriptionId, tierText(a.tier), a.state, a.detail ?? '']);
  return {
    title: `Wave ${wave.number} of plan ${plan.id}: not before ${wave.notBefore} (${wave.apps.length} app${wave.apps.length === 1 ? '' : 's'}, ${wave.status})`,
    headers: ['Owner', 'App', 'Resource group', 'Subscription', 'Tier', 'State', 'Detail'],
    rows,
    empty: 'No app in this wave.',
  };
}

function excludedSection(plan: RolloutPlanView): Section {
  const rows = plan.excluded.map((a: RolloutAppView) => [a.owner ?? '', a.name, a.resourceGroup, a.subscriptionId, a.status ?? '', a.detail ?? '']);
  return { title: `Not in any wave (${rows.length})`, headers: ['Owner', 'App', 'Resource group', 'Subscription', 'Status', 'Why'], rows, empty: 'None.' };
}

/** The plan's lists in reading order: each wave, then (unless `listApart` is false) the apps listed apart. */
export function planSections(plan: RolloutPlanView, listApart = true): Section[] {
  const waves = plan.waves.map((w) => waveSection(plan, w));
  return listApart ? [...waves, excludedSection(plan)] : waves;
}

/** One line: id, state, waves, pace. */
export function planLine(plan: RolloutPlanView): string {
  const apps = plan.waves.reduce((n, w) => n + w.apps.length, 0);
  const reason = plan.statusReason ? ` (${plan.statusReason})` : '';
  return `Plan ${plan.id}: ${plan.status}${reason}; ${apps} app(s) in ${plan.waves.length} wave(s) of up to ${plan.waveSize}, every ${plan.every}${plan.auto ? ', applied automatically on each date' : ''}; subscriptions ${plan.subscriptions.join(', ')}.`;
}

/** What changes for an app's owner, said once at the top of what they are sent. */
export const OWNER_NOTICE =
  'On or after its date, each app below is set to require client certificates (clientCertEnabled=true, clientCertMode=Required): ' +
  'callers that present no certificate will be refused. Fix it before the date, or ask for an exemption (owner, approver, expiry).';
