import { parseArgs } from 'node:util';
import { addExemption, listExemptions, removeExemption } from '../enforcer/index.js';
import type { ExemptionRecord } from '../model/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { cliActor, depsFor } from './runtimeFor.js';

export const EXEMPTIONS_HELP = `Usage: mtls-enforcer exemptions list [--json]
       mtls-enforcer exemptions add --scope <id> --owner <who> --approver <who> --reason <text>
                                    --category waiver|mitigated --expires <ISO date> [--id <name>] [--json]
       mtls-enforcer exemptions remove --scope <id> --id <name>

The exemption register: scope is a site or slot id, /subscriptions/{id}/resourceGroups/{rg}, or
/subscriptions/{id}. An expiry is required. Adding or removing re-evaluates what the scope covers.

Example:
  mtls-enforcer exemptions add --scope /subscriptions/.../resourceGroups/rg-legacy \\
    --owner team-a@example.com --approver ciso@example.com --reason "vendor appliance, mTLS at the gateway" \\
    --category mitigated --expires 2027-03-31
`;

export async function exemptions(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      scope: { type: 'string' }, id: { type: 'string' }, owner: { type: 'string' }, approver: { type: 'string' },
      reason: { type: 'string' }, category: { type: 'string' }, expires: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  const verb = positionals[0];
  if (verb === 'list') return printList(io, await listExemptions(await depsFor(io)), values.json);
  if (verb === 'remove') {
    if (!values.scope || !values.id) throw new UsageError('exemptions remove needs --scope and --id');
    const result = await removeExemption(await depsFor(io), values.scope, values.id, cliActor(io));
    if (values.json) io.stdout(`${JSON.stringify(result)}\n`);
    else if (result.removed) io.stdout(`removed; re-evaluated ${result.reevaluated} resource(s)\n`);
    else io.stderr(`mtls-enforcer: no exemption ${values.id} on ${values.scope}\n`);
    return result.removed ? EXIT.ok : EXIT.usage;
  }
  if (verb !== 'add') throw new UsageError('exemptions takes list, add or remove');
  const deps = await depsFor(io);
  const input = {
    scope: values.scope ?? '', owner: values.owner ?? '', approver: values.approver ?? '', reason: values.reason ?? '',
    category: values.category ?? '', expiresAt: values.expires ?? '', by: cliActor(io), ...(values.id ? { id: values.id } : {}),
  };
  const result = await addExemption(deps, input, deps.remediation.exemptionMaxDays);
  io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : `added ${result.record.id}; re-evaluated ${result.reevaluated} resource(s)\n`);
  return EXIT.ok;
}

function printList(io: CliIo, rows: ExemptionRecord[], json: boolean | undefined): number {
  if (json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0) io.stdout('no exemptions\n');
  else for (const r of rows) io.stdout(`${r.id}  ${r.category.padEnd(9)} until ${r.expiresAt}  ${r.scopeDisplay}  owner ${r.owner}, approved by ${r.approver}: ${r.reason}\n`);
  return EXIT.ok;
}
