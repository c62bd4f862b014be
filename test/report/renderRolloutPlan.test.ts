import { describe, expect, it } from 'vitest';
import { renderRolloutPlan } from '../../src/report/index.js';
import type { RolloutPlanView } from '../../src/report/rolloutTypes.js';

const SUB = '00000000-0000-0000-0000-0000000000aa';
const app = (name: string, owner: string) => ({
  resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/${name}`,
  subscriptionId: SUB,
  resourceGroup: 'rg',
  name,
  tier: 1,
  owner,
  state: 'pending',
});

const PLAN: RolloutPlanView = {
  id: 'plan-1',
  status: 'active',
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'tester',
  subscriptions: [SUB],
  waveSize: 2,
  every: '7d',
  auto: false,
  waves: [
    { number: 1, notBefore: '2026-12-08T00:00:00.000Z', status: 'pending', size: 1, apps: [app('web-<b>', 'team <a@x>')] },
    { number: 2, notBefore: '2026-12-15T00:00:00.000Z', status: 'pending', size: 0, apps: [] },
  ],
  excluded: [],
};

describe('renderRolloutPlan', () => {
  it('html: each wave a table with escaped cells, an empty wave and the excluded list as their sentence', () => {
    const html = renderRolloutPlan(PLAN, 'html');
    expect(html).toContain('<h2>Wave 1 of plan plan-1: not before 2026-12-08T00:00:00.000Z (1 app, pending)</h2><table>');
    expect(html).toContain('<td>web-&lt;b&gt;</td>');
    expect(html).toContain('<td>team &lt;a@x&gt;</td>');
    expect(html).not.toContain('web-<b>');
    expect(html).toContain('<p class="empty">No app in this wave.</p>');
    expect(html).toContain('<h2>Not in any wave (0)</h2><p class="empty">None.</p>');
  });

  it('markdown of one wave: its table only, without the excluded list', () => {
    const md = renderRolloutPlan(PLAN, 'markdown', 1);
    expect(md).toMatch(/## Wave 1 of plan plan-1.*\n\n\| Owner \| App \|/);
    expect(md).toContain('web-');
    expect(md).not.toContain('Wave 2 of plan');
    expect(md).not.toContain('Not in any wave');
  });
});
