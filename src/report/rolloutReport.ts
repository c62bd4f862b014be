import { barChart, STATUS_COLORS } from './htmlChart.js';
import type { Section } from './sections.js';
import type { AppRollout, RolloutPlanView, RolloutReportInput, RolloutSection } from './rolloutTypes.js';

const OPEN = new Set(['active', 'paused']);
const WORKED = new Set(['remediated', 'done-by-owner', 'skipped-exempt', 'deleted', 'unsupported-plan', 'not-applicable']);

/** The rollout section's data: burn-down, open plans, the next wave anyone will see, the last one run. */
export function buildRolloutSection(input: RolloutReportInput): RolloutSection {
  const open = input.plans.filter((p) => OPEN.has(p.status));
  const section: RolloutSection = {
    burnDown: input.burnDown,
    plans: open.map((p) => {
      const apps = p.waves.flatMap((w) => w.apps);
      return { id: p.id, status: p.status, ...(p.statusReason ? { statusReason: p.statusReason } : {}), createdAt: p.createdAt, auto: p.auto, waves: p.waves.length, apps: apps.length, appsDone: apps.filter((a) => WORKED.has(a.state)).length };
    }),
  };
  const next = open.filter((p) => p.status === 'active').flatMap((p) => p.waves.filter((w) => w.status === 'pending').map((w) => ({ p, w })))
    .sort((a, b) => a.w.notBefore.localeCompare(b.w.notBefore))[0];
  if (next) {
    const owners = [...new Set(next.w.apps.map((a) => a.owner ?? '(no owner tag)'))].sort();
    section.nextWave = { planId: next.p.id, number: next.w.number, notBefore: next.w.notBefore, size: next.w.apps.length, owners };
  }
  const last = input.plans.flatMap((p) => p.waves.filter((w) => w.finishedAt).map((w) => ({ p, w }))).sort((a, b) => (b.w.finishedAt ?? '').localeCompare(a.w.finishedAt ?? ''))[0];
  if (last?.w.finishedAt) section.lastWave = { planId: last.p.id, number: last.w.number, status: last.w.status, finishedAt: last.w.finishedAt, counts: last.w.counts ?? {} };
  return section;
}

/** Each app's place in the newest plan naming it (plans come newest first). */
export function rolloutByKey(plans: readonly RolloutPlanView[]): Map<string, AppRollout> {
  const out = new Map<string, AppRollout>();
  for (const plan of plans) {
    for (const w of plan.waves) for (const a of w.apps) if (!out.has(a.resourceId.toLowerCase())) out.set(a.resourceId.toLowerCase(), { planId: plan.id, wave: w.number, notBefore: w.notBefore, state: a.state, ...(a.owner ? { owner: a.owner } : {}) });
    for (const a of plan.excluded) if (!out.has(a.resourceId.toLowerCase())) out.set(a.resourceId.toLowerCase(), { planId: plan.id, wave: 0, state: a.state, ...(a.owner ? { owner: a.owner } : {}) });
  }
  return out;
}

const label = (b: { subscriptionId: string; subscriptionName?: string }) => b.subscriptionName ?? b.subscriptionId;

export function rolloutSections(section: RolloutSection): Section[] {
  const runs = section.burnDown.flatMap((b) => b.points.map((p) => [label(b), p.startedAt, p.runId, String(p.debt)]));
  const plans = section.plans.map((p) => [p.id, p.status + (p.statusReason ? `: ${p.statusReason}` : ''), p.createdAt, String(p.waves), `${p.appsDone} of ${p.apps}`, p.auto ? 'on its date (timer)' : 'by hand']);
  const next = section.nextWave;
  const last = section.lastWave;
  return [
    { title: 'Baseline debt burn-down (apps in baseline debt after each sweep)', headers: ['Subscription', 'Sweep started', 'Run', 'Debt'], rows: runs, empty: 'No sweep of a planned subscription yet.' },
    { title: `Rollout plans open (${plans.length})`, headers: ['Plan', 'Status', 'Created', 'Waves', 'Apps worked', 'Applied'], rows: plans, empty: 'None.' },
    { title: 'Next wave', headers: ['Plan', 'Wave', 'Not before', 'Apps', 'Owners'], rows: next ? [[next.planId, String(next.number), next.notBefore, String(next.size), next.owners.join('\n')]] : [], empty: 'No wave pending.' },
    { title: 'Last wave', headers: ['Plan', 'Wave', 'Status', 'Finished', 'Results'], rows: last ? [[last.planId, String(last.number), last.status, last.finishedAt, Object.entries(last.counts).map(([s, n]) => `${n} ${s}`).join('\n')]] : [], empty: 'No wave applied yet.' },
  ];
}

/** The burn-down as bars: per subscription, one bar per sweep (oldest first), its length the debt left. */
export function burnDownChart(section: RolloutSection): string {
  const bars = section.burnDown.flatMap((b) => b.points.map((p) => ({ label: `${label(b).slice(0, 24)} ${p.startedAt.slice(0, 16).replace('T', ' ')}`, segments: [{ name: 'debt', value: p.debt, color: STATUS_COLORS.noncompliant }] })));
  return barChart('chart-burndown', 'Baseline debt burn-down: apps in baseline debt left after each sweep', bars);
}
