import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadReportInput } from '../enforcer/index.js';
import { buildReport, isReportFormat, renderReport, REPORT_FORMATS } from '../report/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { depsFor } from './runtimeFor.js';

export const REPORT_HELP = `Usage: mtls-enforcer report [--run latest|<runId>] [--format json|csv|markdown|html] [--out <file>]

Render the report of a sweep run (the latest by default) from the tables: totals by status,
subscription and kind, every non-compliant app with reasons, drift age and last caller, exemptions
expiring within 14 days, unsupported plans, errors; a run that did not finish is flagged incomplete.

Example:
  mtls-enforcer report --format html --out report.html
`;

export async function report(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { run: { type: 'string', default: 'latest' }, format: { type: 'string', default: 'markdown' }, out: { type: 'string' } } });
  if (!isReportFormat(values.format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const deps = await depsFor(io);
  const text = renderReport(buildReport(await loadReportInput(deps, values.run), new Date()), values.format);
  if (values.out) await writeFile(values.out, text);
  else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.ok;
}
