import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { checkSubscriptionId, silentLog, sweepSubscription, type EnforcerDeps } from '../enforcer/index.js';
import { buildReport, isReportFormat, renderReport, REPORT_FORMATS } from '../report/index.js';
import type { Finding } from '../store/types.js';
import { createRuntime } from '../triggers/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export const SWEEP_HELP = `Usage: mtls-enforcer sweep --subscription <id> [--subscription <id> ...] [--format json|csv|markdown|html]
                          [--out <file>] [--concurrency <n>] [--fail-on-noncompliant]

Sweep subscriptions inline (no queue): every site from the list payload (no per-site GET) and every
slot, evaluated and recorded; drift handled by each subscription's mode (off, audit, enforce). Prints
a report (markdown by default) to standard output or --out, and a summary line per subscription on
standard error. --fail-on-noncompliant exits 1 when anything is non-compliant.

Example:
  mtls-enforcer sweep --subscription 00000000-0000-0000-0000-000000000001 --format html --out report.html
`;

export async function sweep(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      subscription: { type: 'string', multiple: true }, format: { type: 'string', default: 'markdown' }, out: { type: 'string' },
      concurrency: { type: 'string', default: '8' }, 'fail-on-noncompliant': { type: 'boolean' },
    },
  });
  const subscriptions = (values.subscription ?? []).map(checkSubscriptionId);
  if (subscriptions.length === 0) throw new UsageError('sweep needs at least one --subscription <id>');
  if (!isReportFormat(values.format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be 1-64');
  const { deps, arm } = await createRuntime(loadConfig(io.env), silentLog);
  const run = { id: `cli-${Date.now().toString(36)}`, startedAt: new Date().toISOString() };
  const previous = await findingsOf(deps, subscriptions);
  for (const sub of subscriptions) {
    const started = Date.now();
    const r = await sweepSubscription(deps, arm, sub, run, { concurrency });
    const counts = Object.entries(r.counts).map(([k, v]) => `${k}=${v}`).join(' ');
    io.stderr(`${sub}  ${r.mode}  ${r.evaluated} evaluated in ${Date.now() - started} ms  ${counts}  history rows ${r.historyRows}\n`);
  }
  const findings = await findingsOf(deps, subscriptions);
  const report = buildReport({ findings, previous }, new Date());
  const text = renderReport(report, values.format);
  if (values.out) await writeFile(values.out, text);
  else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  const failing = findings.filter((f) => f.status === 'noncompliant' || f.status === 'flapping').length;
  return values['fail-on-noncompliant'] && failing > 0 ? EXIT.nonCompliant : EXIT.ok;
}

async function findingsOf(deps: EnforcerDeps, subscriptions: string[]): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const subscriptionId of subscriptions) for await (const f of deps.findings.list({ subscriptionId })) all.push(f);
  return all;
}
