import { csvCell } from './csvCell.js';
import { escapeHtml } from './escapeHtml.js';
import { markdownCell } from './markdownCell.js';
import { sectionHtml } from './renderHtml.js';
import { sectionMarkdown } from './renderMarkdown.js';
import { OWNER_NOTICE, planLine, planSections, tierText } from './rolloutSections.js';
import type { RolloutPlanView } from './rolloutTypes.js';

export type PlanFormat = 'markdown' | 'html' | 'csv';
export const PLAN_FORMATS: readonly PlanFormat[] = ['markdown', 'html', 'csv'];

/** A rollout plan (or one wave of it) as an owner or a change board reads it. */
export function renderRolloutPlan(plan: RolloutPlanView, format: PlanFormat, wave?: number): string {
  const shown = wave === undefined ? plan : { ...plan, waves: plan.waves.filter((w) => w.number === wave), excluded: [] };
  if (format === 'csv') return planCsv(shown);
  const sections = planSections(shown, wave === undefined);
  if (format === 'markdown') {
    const parts = [`# Client-certificate rollout ${markdownCell(plan.id)}`, markdownCell(planLine(plan)), markdownCell(OWNER_NOTICE)];
    return `${[...parts, ...sections.map(sectionMarkdown)].join('\n\n')}\n`;
  }
  return [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>Rollout ${escapeHtml(plan.id)}</title>`,
    '<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left}th{background:#f3f5f7}.empty{color:#555;font-style:italic}</style>',
    '</head>', '<body>',
    `<h1>Client-certificate rollout ${escapeHtml(plan.id)}</h1>`, `<p>${escapeHtml(planLine(plan))}</p>`, `<p><strong>${escapeHtml(OWNER_NOTICE)}</strong></p>`,
    ...sections.map(sectionHtml), '</body>', '</html>', '',
  ].join('\n');
}

const CSV_HEADERS = ['planId', 'wave', 'notBefore', 'owner', 'resourceId', 'subscriptionId', 'resourceGroup', 'name', 'tier', 'internetExposed', 'production', 'state', 'detail'];

/** One row per app, waves in order then the apps listed apart (wave 0): a mail merge or a sheet per owner. */
function planCsv(plan: RolloutPlanView): string {
  const rows = [
    ...plan.waves.flatMap((w) => w.apps.map((a) => [plan.id, String(w.number), w.notBefore, a.owner ?? '', a.resourceId, a.subscriptionId, a.resourceGroup, a.name, tierText(a.tier), String(a.internetExposed ?? ''), String(a.production ?? ''), a.state, a.detail ?? ''])),
    ...plan.excluded.map((a) => [plan.id, '0', '', a.owner ?? '', a.resourceId, a.subscriptionId, a.resourceGroup, a.name, '', '', '', a.state, `${a.status ?? ''}: ${a.detail ?? ''}`]),
  ];
  return `\uFEFF${[CSV_HEADERS, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
