import { parseArgs } from 'node:util';
import type { Finding } from '../store/types.js';
import { EXIT, type CliIo } from './io.js';
import { depsFor } from './runtimeFor.js';

export const FINDINGS_HELP = `Usage: mtls-enforcer findings [--subscription <id>] [--status <status>] [--json]

List current findings from the Findings table (storage from MTLS_STORAGE_CONNECTION).

Example:
  mtls-enforcer findings --status noncompliant --json
`;

export async function findings(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { subscription: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean' } } });
  const deps = await depsFor(io);
  const rows: Finding[] = [];
  const filter = values.subscription ? { subscriptionId: values.subscription.toLowerCase() } : {};
  for await (const f of deps.findings.list(filter)) if (!values.status || f.status === values.status) rows.push(f);
  if (values.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout(rows.map(line).join('\n') + (rows.length ? '\n' : 'no findings\n'));
  return EXIT.ok;
}

function line(f: Finding): string {
  const reasons = f.reasons.map((r) => r.code).join(',');
  return `${f.status.padEnd(16)} ${f.resourceId}${reasons ? `  (${reasons})` : ''}`;
}
