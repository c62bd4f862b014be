import { DEMO_SUBSCRIPTIONS } from '../emulator/index.js';
import type { LocalStack } from './startLocalStack.js';

/** What `npm start` prints once the stack is up: where things are, what was found, how to cause drift. */
export function narrative(stack: LocalStack): string {
  const arm = stack.emulator.url;
  const site = `/subscriptions/${DEMO_SUBSCRIPTIONS.enforce}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-frontend`;
  const auditSite = `/subscriptions/${DEMO_SUBSCRIPTIONS.audit}/resourceGroups/rg-dev/providers/Microsoft.Web/sites/dev-reports`;
  const lines = [
    '',
    'appservice-mtls-enforcer — local mode (no Azure account needed)',
    '',
    `  ARM emulator     ${arm}  (CA: ${stack.caCertPath})`,
    `  local host       ${stack.host.url}  (key: x-functions-key: ${stack.hostKey})`,
    `  Table Storage    Azurite, tables prefixed "Local"`,
    '',
    'First scan:',
    ...stack.scans.map((s) => `  ${s.subscriptionId}  ${s.mode.padEnd(7)}  ${s.evaluated} evaluated  ${summary(s.counts)}`),
    '',
    'Cause drift and watch it caught (and, in the enforce subscription, reverted) in the log below:',
    '',
    '  # as a user, through the ARM API (enforce subscription: reverted within a second)',
    `  curl --cacert ${stack.caCertPath} -X PATCH -H 'Authorization: Bearer alice@contoso.example' -H 'content-type: application/json' \\`,
    `    '${arm}${site}?api-version=2024-04-01' -d '{"properties":{"clientCertEnabled":false}}'`,
    '',
    '  # through the emulator admin API (audit subscription: recorded as would-remediate)',
    `  curl --cacert ${stack.caCertPath} -X POST -H 'content-type: application/json' '${arm}/admin/write' \\`,
    `    -d '{"id":"${auditSite}","properties":{"clientCertMode":"Optional"},"caller":{"objectId":"bob","name":"bob@contoso.example"}}'`,
    '',
    `  # current findings`,
    `  curl -H 'x-functions-key: ${stack.hostKey}' '${stack.host.url}/api/findings?status=noncompliant'`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}

function summary(counts: Partial<Record<string, number>>): string {
  return Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ') || '(off: not evaluated)';
}
