import { parseArgs } from 'node:util';
import { getSubscriptionSettings, listSubscriptionSettings, recordedSubscriptionNames, setSubscriptionSettings, type EffectiveSettings } from '../enforcer/index.js';
import { subscriptionLabel, withSubscriptionName } from '../report/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { cliActor, depsFor } from './runtimeFor.js';

export const SETTINGS_HELP = `Usage: mtls-enforcer settings list [--json]
       mtls-enforcer settings get <subscriptionId> [--json]
       mtls-enforcer settings set <subscriptionId> --mode off|audit|enforce [--allow-modes Required,Optional] [--json]

Per-subscription mode: off (ignored), audit (findings only; the default), enforce (findings, then
revert drift). Every change records who (MTLS_ACTOR or your user) and when. Subscriptions show as
"name (id)" when a recent sweep recorded the display name, else the id alone.

Example:
  mtls-enforcer settings set 00000000-0000-0000-0000-000000000001 --mode enforce
`;

export async function settings(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { mode: { type: 'string' }, 'allow-modes': { type: 'string' }, json: { type: 'boolean' } },
  });
  const [verb, subscriptionId, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const deps = await depsFor(io);
  if (verb === 'list') return print(io, await named(deps, await listSubscriptionSettings(deps)), values.json);
  if (!subscriptionId) throw new UsageError(`settings ${verb ?? ''} needs a subscription id`);
  if (verb === 'get') return print(io, await named(deps, [await getSubscriptionSettings(deps, subscriptionId)]), values.json);
  if (verb !== 'set') throw new UsageError('settings takes list, get or set');
  if (!values.mode) throw new UsageError('settings set needs --mode off|audit|enforce');
  const allowedModes = values['allow-modes']?.split(',').map((m) => m.trim()).filter(Boolean);
  const change = { subscriptionId, mode: values.mode, by: cliActor(io), ...(allowedModes ? { allowedModes } : {}) };
  return print(io, await named(deps, [await setSubscriptionSettings(deps, change)]), values.json);
}

type NamedSettings = EffectiveSettings & { subscriptionName?: string };

/** Each row with the display name a recent sweep recorded for it (the name right after the id). */
async function named(deps: Parameters<typeof recordedSubscriptionNames>[0], rows: EffectiveSettings[]): Promise<NamedSettings[]> {
  if (rows.length === 0) return rows;
  const names = await recordedSubscriptionNames(deps);
  return rows.map((r) => withSubscriptionName<NamedSettings>(r, (id) => names[id.toLowerCase()]));
}

function print(io: CliIo, rows: NamedSettings[], json: boolean | undefined): number {
  if (json) io.stdout(`${JSON.stringify(rows.length === 1 ? rows[0] : rows, null, 2)}\n`);
  else if (rows.length === 0) io.stdout('no subscription settings yet (every subscription uses the default mode)\n');
  else for (const r of rows) io.stdout(`${subscriptionLabel(r)}  ${r.mode.padEnd(7)}  allowed: ${r.allowedModes.join(',')}${r.explicit ? `  (set by ${r.updatedBy} at ${r.updatedAt})` : '  (default)'}\n`);
  return EXIT.ok;
}
