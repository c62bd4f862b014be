import { parseArgs } from 'node:util';
import { recordedSubscriptionNames } from '../enforcer/index.js';
import type { Finding } from '../model/index.js';
import { EXIT, type CliIo } from './io.js';
import { depsFor } from './runtimeFor.js';

export const FINDINGS_HELP = `Usage: mtls-enforcer findings [--subscription <id>] [--status <status>] [--json]

List current findings from the Findings table (storage from MTLS_STORAGE_CONNECTION), each with
its subscription's display name when a recent sweep recorded one.

Example:
  mtls-enforcer findings --status noncompliant --json
`;

export async function findings(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { subscription: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean' } } });
  const deps = await depsFor(io);
  const rows: Finding[] = [];
  const filter = values.subscription ? { subscriptionId: values.subscription.toLowerCase() } : {};
  for await (const f of deps.findings.list(filter)) if (!values.status || f.status === values.status) rows.push(f);
  const names = rows.length > 0 ? await recordedSubscriptionNames(deps) : {};
  const named = rows.map((f) => {
    const name = names[f.subscriptionId.toLowerCase()];
    return name ? { ...f, subscriptionName: name } : f;
  });
  if (values.json) io.stdout(`${JSON.stringify(named, null, 2)}\n`);
  else io.stdout(named.map(line).join('\n') + (rows.length ? '\n' : 'no findings\n'));
  return EXIT.ok;
}

/** `noncompliant     /subscriptions/…/sites/api  (client-cert-disabled)  [contoso-prod]`. */
function line(f: Finding & { subscriptionName?: string }): string {
  const reasons = f.reasons.map((r) => r.code).join(',');
  return `${f.status.padEnd(16)} ${f.resourceId}${reasons ? `  (${reasons})` : ''}${f.subscriptionName ? `  [${f.subscriptionName}]` : ''}`;
}
