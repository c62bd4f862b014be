import { parseArgs } from 'node:util';
import { evaluate, isBaselineDebt, normaliseId, parseSiteId, portalName, type SiteRef, type SiteSnapshot, type Verdict } from '../policy/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { evaluationSourceFor, type EvaluationContext } from './evaluationSource.js';
import { paint } from './style.js';

export const EVALUATE_HELP = `Usage: mtls-enforcer evaluate <resourceId> [--json] [--fail-on-noncompliant]

Read one site or slot from Azure Resource Manager and say what the enforcer thinks of it:
compliant, non-compliant (with reasons), exempt, unsupported plan or not applicable. Read-only:
records no finding and changes nothing. With storage configured (MTLS_STORAGE_CONNECTION) the
subscription's mode, allowed modes and the exemption register apply; without it the deployment
defaults do, and the output says so. Credentials: DefaultAzureCredential (az login, environment,
managed identity); MTLS_ARM_ENDPOINT for sovereign clouds.
--fail-on-noncompliant exits 1 when the resource is non-compliant.

Example:
  mtls-enforcer evaluate /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-api
  mtls-enforcer evaluate /subscriptions/.../sites/shop-api/slots/staging --json --fail-on-noncompliant
`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VALID_ID = '/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Web/sites/<app>[/slots/<slot>]';

/** `mtls-enforcer evaluate <resourceId>`: one resource, judged as the enforcer would, nothing recorded. */
export async function evaluateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'fail-on-noncompliant': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError(`evaluate takes exactly one resource id, e.g. ${VALID_ID}`);
  const ref = siteRefOf(positionals[0] as string);
  const source = await evaluationSourceFor(io);
  const context = await source.context(ref);
  const snapshot = await source.sites.getSite(ref);
  if (!snapshot) {
    io.stderr(`mtls-enforcer: ${ref.id} not found (no such site or slot, or not visible to this identity)\n`);
    return EXIT.usage;
  }
  const verdict = evaluate(snapshot, context.policy, new Date(), context.exemptions);
  io.stdout(values.json ? `${JSON.stringify(asJson(ref, snapshot, verdict, context), null, 2)}\n` : describe(ref, snapshot, verdict, context, io));
  return values['fail-on-noncompliant'] && verdict.status === 'noncompliant' ? EXIT.nonCompliant : EXIT.ok;
}

/** The site or slot a resource id names; a usage error showing a valid id otherwise. */
function siteRefOf(input: string): SiteRef {
  const ref = parseSiteId(input);
  // Only the site or slot itself: a sub-resource (.../config/web) or a non-GUID subscription is a typo to point out.
  if (!ref || !GUID.test(ref.subscriptionId) || normaliseId(input) !== ref.key) {
    throw new UsageError(`not a site or slot resource id: ${JSON.stringify(input)}\n  a valid one looks like ${VALID_ID}`);
  }
  return ref;
}

const LABEL: Record<string, string> = {
  compliant: 'compliant',
  noncompliant: 'non-compliant',
  exempt: 'exempt',
  'unsupported-plan': 'unsupported plan',
  'not-applicable': 'not applicable',
};

function asJson(ref: SiteRef, site: SiteSnapshot, verdict: Verdict, context: EvaluationContext): Record<string, unknown> {
  return {
    resourceId: site.id || ref.id,
    status: verdict.status,
    reasons: verdict.reasons,
    advice: verdict.advice,
    observed: observed(site),
    subscription: { id: ref.subscriptionId, ...(context.subscriptionName ? { name: context.subscriptionName } : {}), mode: context.mode, allowedModes: context.policy.allowedModes, settingsFrom: context.settingsFrom },
    ...(verdict.status === 'noncompliant' ? { standing: isDebt(context) ? 'baseline-debt' : 'drift', action: actionNote(context) } : {}),
  };
}

/** Whether enforce leaves this failure for a rollout wave: by the stored finding and the subscription's baseline. */
function isDebt(context: EvaluationContext): boolean {
  return isBaselineDebt(context.previous, context.baseline);
}

function observed(site: SiteSnapshot): Record<string, unknown> {
  return {
    clientCertEnabled: site.clientCertEnabled ?? null,
    clientCertMode: site.clientCertMode ?? null,
    portal: portalName(site.clientCertMode, site.clientCertEnabled),
    clientCertExclusionPaths: site.clientCertExclusionPaths ?? null,
    sku: site.sku ?? null,
    kind: site.kind ?? null,
  };
}

function describe(ref: SiteRef, site: SiteSnapshot, verdict: Verdict, context: EvaluationContext, io: CliIo): string {
  const colour = verdict.status === 'compliant' ? 'green' : verdict.status === 'noncompliant' ? 'red' : 'yellow';
  const mode = `${site.clientCertEnabled === true ? 'enabled' : 'disabled'}, mode ${site.clientCertMode ?? '(none)'} (portal "${portalName(site.clientCertMode, site.clientCertEnabled)}")`;
  const lines = [
    `${site.id || ref.id}${context.subscriptionName ? `  (subscription ${context.subscriptionName})` : ''}`,
    `  verdict   ${paint(io, colour, LABEL[verdict.status] ?? verdict.status)}`,
    ...verdict.reasons.map((r) => `  reason    ${r.code}: ${r.message}`),
    ...verdict.advice.map((a) => `  advice    ${a}`),
    `  observed  client certificates ${mode}; exclusion paths ${site.clientCertExclusionPaths || 'none'}; plan ${site.sku ?? 'unknown'}${site.kind ? `; kind ${site.kind}` : ''}`,
    `  policy    subscription mode ${context.mode}, allowed modes ${context.policy.allowedModes.join(',')} (${settingsNote(context)})`,
  ];
  if (verdict.status === 'noncompliant') lines.push(`  action    ${actionNote(context)}`);
  return `${lines.join('\n')}\n`;
}

function settingsNote(context: EvaluationContext): string {
  if (context.settingsFrom === 'no-storage') return 'no storage configured: deployment defaults, exemption register not read';
  return context.settingsFrom === 'subscription-settings' ? "the subscription's settings" : 'no settings row: deployment default';
}

function actionNote(context: EvaluationContext): string {
  if (context.mode === 'off') return 'mode off: the enforcer ignores this subscription';
  if (isDebt(context)) {
    const debt = 'baseline debt (never recorded compliant since the enforce baseline): no event or sweep reverts it, a rollout wave does';
    return `${context.mode} mode: ${debt} (rollout-pending)`;
  }
  if (context.mode === 'enforce') return 'enforce mode: the enforcer reverts this drift when it sees it';
  return 'audit mode: the enforcer records it (would-remediate) and reverts nothing';
}
