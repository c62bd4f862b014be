import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadReportInput, storeRunReport, type EnforcerDeps } from '../enforcer/index.js';
import { buildReport, isReportFormat, renderReport, REPORT_FORMATS } from '../report/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { depsFor } from './runtimeFor.js';

export const REPORT_HELP = `Usage: mtls-enforcer report [--run latest|<runId>] [--format json|csv|markdown|html] [--out <file>]
       mtls-enforcer report --run <runId> --upload

Render the report of a sweep run (the latest by default) from the tables: totals by status,
subscription and kind, every non-compliant app with reasons, drift age and last caller, exemptions
expiring within 14 days, unsupported plans, errors; a run that did not finish is flagged incomplete.

With --upload, store the run's report in all four formats in Blob Storage (container
MTLS_REPORT_CONTAINER: runs/<runId>/report.{html,csv,json,md}, and latest/ when it is the newest
stored run), as a finished sweep does by itself; files already stored are kept, never overwritten.

Example:
  mtls-enforcer report --format html --out report.html
  mtls-enforcer report --run 09223370000000000-ab12cd34 --upload
`;

export async function report(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { run: { type: 'string', default: 'latest' }, format: { type: 'string', default: 'markdown' }, out: { type: 'string' }, upload: { type: 'boolean', default: false } } });
  if (!isReportFormat(values.format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const deps = await depsFor(io);
  if (values.upload) return upload(deps, values.run, io);
  const text = renderReport(buildReport(await loadReportInput(deps, values.run), new Date()), values.format);
  if (values.out) await writeFile(values.out, text);
  else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.ok;
}

async function upload(deps: EnforcerDeps, runId: string, io: CliIo): Promise<number> {
  if (runId === 'latest') {
    const [latest] = await deps.sweeps.latestRuns(1);
    if (!latest) throw new UsageError('no sweep run to upload');
    runId = latest.id;
  }
  if (!deps.reports) throw new UsageError('no blob service to upload to: set a connection string with a BlobEndpoint, or MTLS_STORAGE_BLOB_URL');
  const stored = await storeRunReport(deps, runId, { force: true });
  const latest = stored.latest ? ', latest/ updated' : '';
  io.stdout(`run ${stored.runId} (${stored.state}): ${stored.written} file(s) written to ${stored.location ?? ''}${stored.written === 0 ? ' (already stored)' : ''}${latest}\n`);
  return EXIT.ok;
}
