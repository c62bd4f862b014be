import { parseArgs } from 'node:util';
import { DEFAULT_PLAN_PACE } from '../config/index.js';
import { applyWave, changeRolloutStatus, createRolloutPlan, getRollout, listRollouts, planView, silentLog, type WaveResult } from '../enforcer/index.js';
import { PLAN_FORMATS, planLine, renderRolloutPlan, type PlanFormat, type RolloutPlanView } from '../report/index.js';
import { parseEvery } from '../rollout/index.js';
import { createRuntime } from '../triggers/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { progressBar } from './progress.js';
import { cliActor, configFor } from './runtimeFor.js';

export const ROLLOUT_HELP = `Usage: mtls-enforcer rollout plan [--subscription <id> ...] [--wave-size <n>] [--first-wave-at <ISO date>]
                               [--every <n>d] [--auto] [--json | --format markdown|html|csv] [--dry-run]
       mtls-enforcer rollout list [--json]
       mtls-enforcer rollout show <plan> [--wave <n>] [--json | --format markdown|html|csv]
       mtls-enforcer rollout pause|resume|cancel <plan> [--json]
       mtls-enforcer rollout apply --plan <id> --wave <n> [--now] [--dry-run] [--json]

Fix baseline debt (apps non-compliant before enforce, which enforce never flips on its own) in
dated waves: internet-exposed production apps first, then internet-exposed, then production, then
the rest. Exempt, unsupported-plan and not-applicable apps are listed apart. Planning again
replaces the pending waves of the subscriptions' earlier plan (applied waves stay).

  --wave-size <n>          apps per wave (default ${DEFAULT_PLAN_PACE.waveSize})
  --first-wave-at <date>   wave 1 not before (default now + MTLS_ROLLOUT_NOTICE_DAYS days)
  --every <n>d             time between waves (default ${DEFAULT_PLAN_PACE.every}; hours as 12h)
  --auto                   the rollout timer (MTLS_ROLLOUT_SCHEDULE) applies each wave on its date
  --format                 the plan as owners are sent it (markdown, html, csv); --wave <n> one wave
  apply --now              apply a wave before its date (otherwise exit 2, saying when)
  apply --dry-run          read each member and say what applying would do; write nothing

Exit codes: 0 ok, 1 a wave left members failed or denied (or paused its plan, or stopped: its lease lost), 2 usage or input error
(a wave applied before its date without --now), 3 environment.

Example:
  mtls-enforcer rollout plan --wave-size 25 --first-wave-at 2027-01-11T08:00:00Z --format markdown > waves.md
  mtls-enforcer rollout apply --plan rp-20270104t0900-1a2b3c --wave 1
`;

const OPTIONS = {
  subscription: { type: 'string', multiple: true }, 'wave-size': { type: 'string' }, 'first-wave-at': { type: 'string' }, every: { type: 'string' },
  auto: { type: 'boolean' }, json: { type: 'boolean' }, format: { type: 'string' }, 'dry-run': { type: 'boolean' }, plan: { type: 'string' },
  wave: { type: 'string' }, now: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>['values'];

export async function rollout(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  const [verb, planId, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const format = planFormat(values);
  if (verb === 'plan') return plan(io, values, format);
  if (verb === 'apply') return apply(io, values);
  const runtime = await createRuntime(configFor(io), silentLog);
  if (verb === 'list') {
    const views = (await listRollouts(runtime.deps)).map(planView);
    if (values.json) io.stdout(`${JSON.stringify(views, null, 2)}\n`);
    else io.stdout(views.length === 0 ? 'no rollout plans yet\n' : views.map((v) => `${planLine(v)}${nextWaveText(v)}\n`).join(''));
    return EXIT.ok;
  }
  if (!planId) throw new UsageError(`rollout ${verb ?? ''} needs a plan id (see 'mtls-enforcer rollout list')`);
  if (verb === 'show') return print(io, planView(await getRollout(runtime.deps, planId)), values, format, values.wave === undefined ? undefined : waveNumber(values.wave));
  if (verb === 'pause' || verb === 'resume' || verb === 'cancel') return print(io, planView(await changeRolloutStatus(runtime.deps, planId, verb, cliActor(io))), values, format);
  throw new UsageError('rollout takes plan, list, show, pause, resume, cancel or apply');
}

async function plan(io: CliIo, values: Values, format: PlanFormat | undefined): Promise<number> {
  const config = configFor(io);
  const runtime = await createRuntime(config, silentLog);
  const now = runtime.deps.clock();
  const firstWaveAt = values['first-wave-at'] ? new Date(values['first-wave-at']) : new Date(now.getTime() + config.rollout.noticeDays * 86_400_000);
  if (Number.isNaN(firstWaveAt.getTime())) throw new UsageError(`--first-wave-at must be an ISO date, e.g. 2027-01-11T08:00:00Z; got ${values['first-wave-at']}`);
  const result = await createRolloutPlan(runtime.deps, {
    ...(values.subscription ? { subscriptions: values.subscription } : {}),
    waveSize: values['wave-size'] === undefined ? DEFAULT_PLAN_PACE.waveSize : positive(values['wave-size'], '--wave-size'),
    firstWaveAt, everyMs: parseEvery(values.every ?? DEFAULT_PLAN_PACE.every), auto: values.auto ?? false,
    rules: config.rollout, by: cliActor(io), dryRun: values['dry-run'] ?? false,
  });
  const view = planView(result.record);
  if (values.json) {
    io.stdout(`${JSON.stringify({ ...view, dryRun: values['dry-run'] ?? false, superseded: result.superseded, off: result.off }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (format) return print(io, view, values, format);
  io.stdout(`${values['dry-run'] ? '(dry run: nothing stored) ' : ''}${planLine(view)}\n`);
  for (const w of view.waves) io.stdout(`  wave ${w.number}: ${w.apps.length} app(s), not before ${w.notBefore}\n`);
  if (view.excluded.length > 0) io.stdout(`  not in any wave: ${view.excluded.length} (exempt, unsupported plan, not applicable)\n`);
  if (result.superseded.length > 0) io.stdout(`  replaced the pending waves of: ${result.superseded.join(', ')}\n`);
  if (result.off.length > 0) io.stdout(`  left out (mode off): ${result.off.join(', ')}\n`);
  return EXIT.ok;
}

async function apply(io: CliIo, values: Values): Promise<number> {
  if (!values.plan || values.wave === undefined) throw new UsageError('rollout apply needs --plan <id> and --wave <n>');
  const config = configFor(io);
  const runtime = await createRuntime(config, silentLog);
  const wave = waveNumber(values.wave);
  const bar = progressBar(io, 1);
  const result = await applyWave(runtime.deps, runtime.arm, {
    planId: values.plan, wave, force: values.now ?? false, dryRun: values['dry-run'] ?? false, by: cliActor(io),
    failureThreshold: config.rollout.failureThreshold, onMember: () => bar.tick(),
  });
  bar.subscriptionDone();
  bar.end();
  if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(waveText(result));
  return result.status === 'done' && !result.paused && !result.stopped ? EXIT.ok : EXIT.nonCompliant;
}

function waveText(result: WaveResult): string {
  const { planId } = result;
  const counts = Object.entries(result.counts).map(([state, n]) => `${n} ${state}`).join(', ');
  const lines = [`${result.dryRun ? '(dry run) ' : ''}wave ${result.wave} of ${planId}: ${result.status} — ${counts || 'no members'}`];
  for (const m of result.members) lines.push(`  ${m.state.padEnd(18)} ${m.resourceId}${m.detail ? `  (${m.detail})` : ''}`);
  if (result.paused) lines.push(`plan ${planId} paused: ${result.paused}`);
  if (result.stopped) lines.push(result.stopped);
  return `${lines.join('\n')}\n`;
}

function nextWaveText(view: RolloutPlanView): string {
  const next = view.waves.find((w) => w.status === 'pending');
  return next ? `\n  next: wave ${next.number}, ${next.apps.length} app(s), not before ${next.notBefore}` : '';
}

function print(io: CliIo, view: RolloutPlanView, values: Values, format: PlanFormat | undefined, wave?: number): number {
  if (values.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
  else if (format) io.stdout(renderRolloutPlan(view, format, wave));
  else io.stdout(`${planLine(view)}${nextWaveText(view)}\n`);
  return EXIT.ok;
}

function planFormat(values: Values): PlanFormat | undefined {
  if (values.format === undefined) return undefined;
  if (values.json) throw new UsageError('give --json or --format, not both');
  if (!(PLAN_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${PLAN_FORMATS.join(', ')}`);
  return values.format as PlanFormat;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got ${text}`);
  return n;
}

const waveNumber = (text: string) => positive(text, '--wave');
