import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config/index.js';
import { checkSubscriptionId, failSweepJob, loadReportInput, namesFromRuns, newRunId, runSweepJob, silentLog, sweepJob, TREND_RUNS, type EnforcerDeps } from '../enforcer/index.js';
import type { Mode, SettingsPort, SiteWriter } from '../model/index.js';
import { buildReport, FAILING, isReportFormat, nonCompliance, nonComplianceText, renderReport, REPORT_FORMATS, subscriptionLabel, type Report, type ReportFormat } from '../report/index.js';
import { forEachLimited } from '../shared/index.js';
import { createMemoryStore, type MemoryStore } from '../store/index.js';
import type { Finding } from '../model/index.js';
import { createRuntime, sweepTargets, type Runtime } from '../triggers/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { progressBar } from './progress.js';
import { configFor } from './runtimeFor.js';

export const SWEEP_HELP = `Usage: mtls-enforcer sweep [--subscription <id> ...] [--mode audit|enforce] [--dry-run] [--no-store]
                          [--concurrency <n>] [--format json|csv|markdown|html] [--json] [--out <file>]
                          [--fail-on-noncompliant]

Sweep subscriptions inline (no queue): every site from the list payload (no per-site GET) and every
slot, evaluated and recorded as a sweep run; drift handled by each subscription's mode. Prints the
run's report (markdown by default) to standard output or --out.

Subscriptions: every --subscription given, else MTLS_SUBSCRIPTIONS, else every active subscription
the identity can read. Those in mode off are skipped unless --mode is given. Output and report
name each subscription next to its id, from one subscription listing (ids alone if it is refused).

  --mode audit|enforce     treat every swept subscription so for this run (default: its own mode)
  --dry-run                write nothing, to Azure or to the tables: drift that enforce would revert is
                           reported as would-remediate; findings are compared with the stored ones
  --no-store               no storage account needed: records are kept in memory for the report only
                           (mode: --mode, else MTLS_DEFAULT_MODE; no register exemptions)
  --concurrency <n>        slot listings and remediations in flight per subscription (1-64, default 8)
  --json                   same as --format json
  --fail-on-noncompliant   exit 1 when anything is non-compliant or flapping

Progress: a bar on standard error when it is a terminal, else one summary line per subscription;
then one line for the run. Both split non-compliance into baseline debt (left for a rollout wave)
and drift (what enforce reverts): "12 non-compliant (9 baseline debt, 3 drift)".
Exit codes: 0 ok, 1 non-compliant (with --fail-on-noncompliant), 2 usage, 3 environment (credentials,
permissions, unreachable storage or ARM; also when some subscriptions could not be swept).

Example:
  mtls-enforcer sweep --subscription 00000000-0000-0000-0000-000000000001 --format html --out report.html
  mtls-enforcer sweep --no-store --dry-run --json > findings.json
`;

const SUBSCRIPTIONS_IN_PARALLEL = 4;

interface SweepArgs {
  subscriptions: string[];
  mode: Mode | undefined;
  dryRun: boolean;
  noStore: boolean;
  concurrency: number;
  format: ReportFormat;
  out: string | undefined;
  failOnNoncompliant: boolean;
}

export async function sweep(args: string[], io: CliIo): Promise<number> {
  const options = parseSweepArgs(args);
  const config = configFor(io, { storage: options.noStore ? 'optional' : 'required' });
  const memory = options.noStore || options.dryRun ? createMemoryStore() : undefined;
  const runtime = await createRuntime(config, silentLog, memory ? { memory } : {});
  if (memory && !options.noStore) await copyStoredRecords(await createRuntime(config, silentLog), memory);
  const deps = sweepDeps(runtime.deps, config, options);

  const found = options.subscriptions.length > 0 ? options.subscriptions : config.sweep.subscriptions;
  const { targets, off, names } = await sweepTargets(deps, found, runtime.subscriptions);
  const label = (subscriptionId: string) => subscriptionLabel({ subscriptionId, ...(names[subscriptionId] ? { subscriptionName: names[subscriptionId] } : {}) });
  const subscriptions = options.mode ? [...targets, ...off] : targets;
  if (!options.mode && off.length > 0) io.stderr(`skipped (mode off): ${off.map(label).join(', ')}\n`);
  if (subscriptions.length === 0) throw new UsageError('no subscription to sweep: give --subscription <id>, set MTLS_SUBSCRIPTIONS, or grant the identity Reader on a subscription');

  const startedAt = deps.clock();
  const runId = newRunId(startedAt, options.dryRun ? 'dryrun' : 'cli');
  await deps.sweeps.createRun({ id: runId, startedAt: startedAt.toISOString(), trigger: options.dryRun ? 'cli --dry-run' : 'cli', subscriptionIds: subscriptions, subscriptionNames: names });
  const progress = progressBar(io, subscriptions.length);
  const failures: Array<{ subscriptionId: string; error: unknown }> = [];
  await forEachLimited(subscriptions, SUBSCRIPTIONS_IN_PARALLEL, async (subscriptionId) => {
    const job = sweepJob(runId, startedAt.toISOString(), subscriptionId, names);
    try {
      const r = await runSweepJob(deps, runtime.arm, job, { concurrency: options.concurrency, onEvaluated: () => progress.tick() });
      if (io.stderrIsTTY !== true) io.stderr(summaryLine(label(r.subscriptionId), r.mode ?? '', r.evaluated ?? 0, r.durationMs ?? 0, r.counts ?? {}, r.debt, r.armCalls ?? 0));
    } catch (error) {
      failures.push({ subscriptionId, error });
      await failSweepJob(deps, job, error instanceof Error ? error.message : String(error));
    } finally {
      progress.subscriptionDone();
    }
  });
  progress.end();
  // Nothing swept at all (no credential, no permission anywhere): one clear error, not an empty report.
  if (failures.length === subscriptions.length) throw failures[0]?.error;

  const input = await loadReportInput(deps, runId);
  const report = buildReport(input, deps.clock());
  const text = renderReport(report, options.format);
  if (options.out) await writeFile(options.out, text);
  else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  for (const f of failures) io.stderr(`mtls-enforcer: ${label(f.subscriptionId)} not swept: ${f.error instanceof Error ? f.error.message : String(f.error)}\n`);
  io.stderr(finalLine(report));
  if (options.dryRun) io.stderr('dry run: nothing was written to Azure or to the tables\n');
  if (failures.length > 0) return EXIT.environment;
  return options.failOnNoncompliant && input.findings.some(isFailing) ? EXIT.nonCompliant : EXIT.ok;
}

function parseSweepArgs(args: string[]): SweepArgs {
  const { values } = parseArgs({
    args,
    options: {
      subscription: { type: 'string', multiple: true }, mode: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'no-store': { type: 'boolean' },
      format: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' },
      concurrency: { type: 'string', default: '8' }, 'fail-on-noncompliant': { type: 'boolean' },
    },
  });
  if (values.mode !== undefined && values.mode !== 'audit' && values.mode !== 'enforce') throw new UsageError(`--mode must be audit or enforce, not ${JSON.stringify(values.mode)}`);
  if (values.json && values.format !== undefined && values.format !== 'json') throw new UsageError('--json and --format disagree: give one of them');
  const format = values.json ? 'json' : (values.format ?? 'markdown');
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be 1-64');
  return {
    subscriptions: (values.subscription ?? []).map(checkSubscriptionId),
    mode: values.mode,
    dryRun: values['dry-run'] === true,
    noStore: values['no-store'] === true,
    concurrency, format, out: values.out,
    failOnNoncompliant: values['fail-on-noncompliant'] === true,
  };
}

/**
 * The deps of this run: `--mode` replaces every subscription's mode; a dry run turns enforce into
 * audit (drift reported as would-remediate) and refuses any ARM write outright, as a second guard.
 */
function sweepDeps(deps: EnforcerDeps, config: Config, options: SweepArgs): EnforcerDeps {
  if (!options.mode && !options.dryRun) return deps;
  const effective = (stored: Mode | undefined): Mode => {
    const mode = options.mode ?? stored ?? config.remediation.defaultMode;
    return options.dryRun && mode === 'enforce' ? 'audit' : mode;
  };
  const settings: SettingsPort = {
    ...deps.settings,
    async get(subscriptionId) {
      const row = await deps.settings.get(subscriptionId);
      return { subscriptionId, updatedBy: 'cli', updatedAt: deps.clock().toISOString(), ...row, mode: effective(row?.mode) };
    },
  };
  const writer: SiteWriter = options.dryRun ? { patchClientCert: () => Promise.reject(new Error('dry run: ARM writes are disabled')) } : deps.writer;
  return { ...deps, settings, writer };
}

/**
 * A dry run starts from what the tables hold (modes, exemptions, findings, recent runs for the
 * trend and "since the last sweep") and changes none of it.
 */
async function copyStoredRecords(stored: Runtime, memory: MemoryStore): Promise<void> {
  for await (const row of stored.deps.settings.list()) await memory.settings.put(row);
  for await (const record of stored.deps.register.list()) await memory.exemptionRegister.put(record);
  const findings: Finding[] = [];
  for await (const f of stored.deps.findings.list()) findings.push(f);
  await memory.findings.putMany(findings);
  for (const run of await stored.deps.sweeps.latestRuns(TREND_RUNS)) {
    await memory.sweeps.createRun({ id: run.id, startedAt: run.startedAt, trigger: run.trigger, subscriptionIds: run.subscriptions.map((s) => s.subscriptionId), subscriptionNames: namesFromRuns([run]) });
    for (const s of run.subscriptions) if (s.status !== 'pending') await memory.sweeps.recordSubscription(run.id, s);
  }
}

/** `<name> (<id>)  audit  46 evaluated in 812 ms  compliant=33 …  10 non-compliant (7 baseline debt, 3 drift)  ARM calls 10`. */
function summaryLine(subscription: string, mode: string, evaluated: number, ms: number, counts: Record<string, number>, debt: number | undefined, armCalls: number): string {
  const byStatus = Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ');
  const split = nonComplianceText(nonCompliance(counts.noncompliant ?? 0, debt));
  return `${subscription}  ${mode}  ${evaluated} evaluated in ${ms} ms  ${byStatus}  ${split}  ARM calls ${armCalls}\n`;
}

/** The run in one line, from the report: `sweep <run id>: 3 subscription(s), 12 non-compliant (9 baseline debt, 3 drift)`. */
function finalLine(report: Report): string {
  const run = report.run;
  if (!run) return 'sweep: no run recorded\n';
  const split = run.nonCompliance ? nonComplianceText(run.nonCompliance) : 'no subscription recorded counts';
  return `sweep ${run.id}: ${run.subscriptions.length} subscription(s), ${split}\n`;
}

const isFailing = (f: Finding) => FAILING.has(f.status);
