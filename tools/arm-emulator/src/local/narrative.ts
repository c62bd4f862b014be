import { DEMO_SUBSCRIPTIONS } from '../emulator/index.js';
import type { LocalStack } from './startLocalStack.js';

/** How headings and figures are styled: plain by default; the CLI passes colour only for a terminal. */
export type Paint = (colour: 'bold' | 'green' | 'red' | 'yellow' | 'dim', text: string) => string;

const plain: Paint = (_colour, text) => text;

/** The HTML report of the current findings on the local host (HTTPS: present a client certificate, e.g. the Reader's). */
export function reportUrl(stack: Pick<LocalStack, 'host'>): string {
  return `${stack.host.url}/api/report?format=html`;
}

/** curl with the local host's CA and a client certificate: the API's front door wants both. */
export function curlWith(stack: Pick<LocalStack, 'certificates'>, who: 'admin' | 'reader'): string {
  const c = stack.certificates;
  const [cert, key] = who === 'admin' ? [c.clientCertPath, c.clientKeyPath] : [c.readerCertPath, c.readerKeyPath];
  return `curl --cacert ${c.hostCaCertPath} --cert ${cert} --key ${key}`;
}

/** What `npm start` prints once the stack is up: where things are, what was found, how to cause drift. */
export function narrative(stack: LocalStack, paint: Paint = plain): string {
  const arm = stack.emulator.url;
  const site = `/subscriptions/${DEMO_SUBSCRIPTIONS.enforce}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-frontend`;
  const auditSite = `/subscriptions/${DEMO_SUBSCRIPTIONS.audit}/resourceGroups/rg-dev/providers/Microsoft.Web/sites/dev-reports`;
  const lines = [
    '',
    paint('bold', 'appservice-mtls-enforcer — local mode (no Azure account needed)'),
    '',
    `  ARM emulator     ${arm}  (CA: ${stack.caCertPath})`,
    `  local host       ${stack.host.url}  (HTTPS, client certificate required; CA: ${stack.certificates.hostCaCertPath})`,
    `  client certs     every role: ${stack.certificates.clientCertPath}  Reader: ${stack.certificates.readerCertPath}  (keys beside them)`,
    `  host key         x-functions-key: ${stack.hostKey}  (a Reader, with any certificate of the local client CA)`,
    `  Storage          Azurite (tables prefixed "Local", queues, blob container "reports")`,
    `  report (HTML)    ${reportUrl(stack)}`,
    ...(stack.firstReport ? [`  stored report    ${stack.firstReport}report.html  (Azurite blob: html, csv, json, md)`] : []),
    '',
    paint('bold', 'First scan:'),
    ...stack.scans.map((s) => `  ${s.subscriptionId}  ${(s.mode ?? '').padEnd(7)}  ${s.evaluated ?? 0} evaluated  ${summary(s.counts ?? {}, paint)}`),
    '',
    paint('bold', 'Cause drift and watch it caught (and, in the enforce subscription, reverted) in the log below:'),
    '',
    '  # as a user, through the ARM API (enforce subscription: reverted within a second)',
    `  curl --cacert ${stack.caCertPath} -X PATCH -H 'Authorization: Bearer alice@contoso.example' -H 'content-type: application/json' \\`,
    `    '${arm}${site}?api-version=2024-04-01' -d '{"properties":{"clientCertEnabled":false}}'`,
    '',
    '  # as another user, with the CLI (audit subscription: recorded as would-remediate)',
    `  node bin/mtls-enforcer.js emulator write ${auditSite} \\`,
    `    --url ${arm} --ca ${stack.caCertPath} --set clientCertMode=Optional --as bob@contoso.example`,
    '',
    '  # judge it with the CLI (read-only: ARM for the app, the tables for its mode and exemptions)',
    `  MTLS_ARM_ENDPOINT=${arm} MTLS_ARM_CA_CERT_PATH=${stack.caCertPath} MTLS_ARM_TOKEN=local-user \\`,
    `  MTLS_TABLE_PREFIX=Local MTLS_STORAGE_CONNECTION='${stack.azurite.connectionString}' \\`,
    `    node bin/mtls-enforcer.js evaluate ${site}`,
    '',
    `  # current findings (Reader), the HTML report, and a mode change (Operator: the admin certificate has every role)`,
    `  ${curlWith(stack, 'reader')} '${stack.host.url}/api/findings?status=noncompliant'`,
    `  ${curlWith(stack, 'reader')} '${reportUrl(stack)}' -o report.html`,
    `  ${curlWith(stack, 'admin')} -X PUT -H 'content-type: application/json' \\`,
    `    '${stack.host.url}/api/settings/${DEMO_SUBSCRIPTIONS.audit}' -d '{"mode":"enforce"}'`,
    '',
    paint('bold', 'Ctrl-C stops everything.'),
    '',
  ];
  return lines.join('\n');
}

function summary(counts: Partial<Record<string, number>>, paint: Paint): string {
  const colourOf = (status: string) => (status === 'compliant' ? 'green' : status === 'noncompliant' || status === 'flapping' ? 'red' : 'yellow');
  return Object.entries(counts).map(([k, v]) => paint(colourOf(k), `${k}=${v}`)).join(' ') || paint('dim', '(off: not evaluated)');
}
