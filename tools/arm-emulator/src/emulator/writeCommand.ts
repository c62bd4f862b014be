import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { sendRequest } from './httpPost.js';

export const EMULATOR_WRITE_USAGE = `Usage: mtls-enforcer emulator write <resourceId> --url <emulatorUrl> [--ca <file>]
         [--set <property>=<value> ...] [--as <user>] [--admin-key <key>]

Changes a site or slot on a running ARM emulator as a user would (through its admin API): the
emulator applies it and publishes the Event Grid event, so the enforcer sees a real drift.
Values true/false become booleans; anything else is a string. Default: --set clientCertEnabled=false.

Example:
  mtls-enforcer emulator write /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app> \\
    --url https://127.0.0.1:8443 --ca emulator-ca.pem --set clientCertMode=Optional --as bob@contoso.example
`;

export interface WriteIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** `mtls-enforcer emulator write ...`: 0 when the emulator applied it, 1 when it refused, 2 on bad usage. */
export async function runEmulatorWrite(argv: string[], io: WriteIo): Promise<number> {
  let request: { url: string; body: string; caCertPem?: string; adminKey?: string };
  try {
    request = await parseWrite(argv);
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n\n${EMULATOR_WRITE_USAGE}`);
    return 2;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(request.adminKey ? { 'x-admin-key': request.adminKey } : {}) };
  const answer = await sendRequest('POST', request.url, headers, request.body, request.caCertPem ? { caCertPem: request.caCertPem } : {});
  if (answer.status >= 200 && answer.status < 300) {
    io.stdout(`emulator applied the write (HTTP ${answer.status}); the enforcer hears of it through the emulator's Event Grid delivery\n`);
    return 0;
  }
  io.stderr(`emulator refused the write: HTTP ${answer.status} ${answer.body.slice(0, 500)}\n`);
  return 1;
}

async function parseWrite(argv: string[]): Promise<{ url: string; body: string; caCertPem?: string; adminKey?: string }> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, ca: { type: 'string' }, set: { type: 'string', multiple: true }, as: { type: 'string' }, 'admin-key': { type: 'string' } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1 || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+(\/slots\/[^/]+)?$/i.test(id)) {
    throw new Error('give one site or slot resource id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>[/slots/<slot>]');
  }
  if (!values.url) throw new Error('--url <emulatorUrl> is required (the armEndpoint that npm start prints)');
  const properties: Record<string, string | boolean> = {};
  for (const pair of values.set ?? ['clientCertEnabled=false']) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(pair);
    if (!m) throw new Error(`--set takes <property>=<value>, got ${JSON.stringify(pair)}`);
    const [, name, value] = m as unknown as [string, string, string];
    properties[name] = value === 'true' ? true : value === 'false' ? false : value;
  }
  const user = values.as ?? 'alice@contoso.example';
  const body = JSON.stringify({ id, properties, caller: { objectId: user, name: user } });
  const caCertPem = values.ca ? await readFile(values.ca, 'utf8') : undefined;
  return { url: `${values.url.replace(/\/+$/, '')}/admin/write`, body, ...(caCertPem ? { caCertPem } : {}), ...(values['admin-key'] ? { adminKey: values['admin-key'] } : {}) };
}
