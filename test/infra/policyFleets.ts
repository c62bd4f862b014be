import { readdirSync, readFileSync } from 'node:fs';
import type { Site } from '@azure/arm-appservice';
import { toSnapshot } from '../../src/azure/toSnapshot.js';
import { policyForSubscription } from '../../src/policy/policyForSubscription.js';
import { DEFAULT_POLICY, type Exemption, type Policy, type SiteSnapshot } from '../../src/policy/types.js';
import type { Finding } from '../../src/model/index.js';
import { demoFleet } from '../../tools/arm-emulator/src/emulator/demoFleet.js';
import { Fleet } from '../../tools/arm-emulator/src/emulator/fleet.js';
import { generateFleet } from '../../tools/arm-emulator/src/emulator/generateFleet.js';
import { toArmJson } from '../../tools/arm-emulator/src/emulator/resource.js';
import { fleet as reportFleet } from '../report/fleet.js';
import type { JsonObject } from './armExpressions.js';

/**
 * One app or slot seen both ways: the ARM JSON Azure Policy evaluates, and the snapshot the
 * enforcer evaluates — derived from that same JSON by the product's adapter, so both read the
 * same values. `policy` and `exemptions` are what the enforcer would hold it to.
 */
export interface PolicyCase {
  fleet: string;
  /** `fleet:resource id` (lowercased), for the expected-difference lists. */
  key: string;
  arm: JsonObject;
  snapshot: SiteSnapshot;
  policy: Policy;
  exemptions: Exemption[];
}

export const NOW = new Date('2026-10-02T12:00:00Z');

/** The SDK flattens `properties` onto `Site`; the adapter's toSnapshot then reads it. */
function snapshotOf(arm: JsonObject): SiteSnapshot {
  const properties = (arm.properties ?? {}) as JsonObject;
  // The REST payload is what the SDK deserialises into a Site: same names, properties flattened.
  return toSnapshot({ ...properties, id: arm.id, name: arm.name, type: arm.type, kind: arm.kind ?? undefined, tags: arm.tags } as unknown as Site);
}

function makeCase(fleet: string, arm: JsonObject, policy: Policy = DEFAULT_POLICY, exemptions: Exemption[] = []): PolicyCase {
  return { fleet, key: `${fleet}:${String(arm.id).toLowerCase()}`, arm, snapshot: snapshotOf(arm), policy, exemptions };
}

function emulatorCases(name: string, fleet: Fleet): PolicyCase[] {
  const out: PolicyCase[] = [];
  for (const sub of fleet.subscriptions()) {
    const { items } = fleet.pageSites(sub.subscriptionId, undefined, 0, Number.MAX_SAFE_INTEGER);
    for (const site of items) {
      out.push(makeCase(name, toArmJson(site) as JsonObject));
      for (const slot of fleet.slotsOf(site)) out.push(makeCase(name, toArmJson(slot) as JsonObject));
    }
  }
  return out;
}

/** The demo fleet of `npm start`: every case the control distinguishes. */
export function demoCases(): PolicyCase[] {
  const fleet = new Fleet();
  fleet.seed(demoFleet());
  return emulatorCases('demo', fleet);
}

/** A generated tenant (the benchmarks' and sweep tests' generator): 3 subscriptions × 40 sites, a slot every 5th. */
export function generatedCases(): PolicyCase[] {
  const fleet = new Fleet();
  generateFleet(fleet, { subscriptions: 3, sitesPerSubscription: 40, slotEvery: 5, nonCompliantFraction: 0.3 });
  return emulatorCases('generated', fleet);
}

/** The report tests' fleet (test/report/fleet.ts), as ARM would serve those apps; billing is exempt in the register. */
export function reportCases(): PolicyCase[] {
  return reportFleet().map((f) => makeCase('report', findingToArm(f), DEFAULT_POLICY, f.site === 'billing' ? [registerExemption(f.resourceId)] : []));
}

function findingToArm(f: Finding): JsonObject {
  const properties: JsonObject = {};
  if (f.clientCertEnabled !== undefined) properties.clientCertEnabled = f.clientCertEnabled;
  if (f.clientCertMode !== undefined) properties.clientCertMode = f.clientCertMode;
  if (f.clientCertExclusionPaths !== undefined) properties.clientCertExclusionPaths = f.clientCertExclusionPaths;
  if (f.sku !== undefined) properties.sku = f.sku;
  const arm: JsonObject = { id: f.resourceId, name: f.slot ? `${f.site}/${f.slot}` : f.site, type: f.slot ? 'Microsoft.Web/sites/slots' : 'Microsoft.Web/sites', properties };
  if (f.kind !== undefined) arm.kind = f.kind;
  return arm;
}

/** Every site and slot in the Microsoft.Web REST API examples (test/fixtures/arm). */
export function restExampleCases(): PolicyCase[] {
  const dir = new URL('../fixtures/arm/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((file) => {
      const example = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { responses: Record<string, { body?: JsonObject }> };
      return Object.values(example.responses).flatMap((r) => (r.body ? ((r.body.value as JsonObject[] | undefined) ?? [r.body]) : []));
    })
    .map((arm) => makeCase('rest', arm));
}

const EDGE_SUB = 'eeeeeeee-0000-4000-8000-00000000000e';

function edgeArm(name: string, kind: string | undefined, properties: JsonObject, tags?: Record<string, string>): JsonObject {
  const arm: JsonObject = { id: `/subscriptions/${EDGE_SUB}/resourceGroups/rg-edge/providers/Microsoft.Web/sites/${name}`, name, type: 'Microsoft.Web/sites', properties };
  if (kind !== undefined) arm.kind = kind;
  if (tags) arm.tags = tags;
  return arm;
}

const ON = { clientCertEnabled: true, clientCertMode: 'Required', sku: 'Standard' };

/**
 * Edge cases and the enforcer's settings Policy cannot read: each one here exists to show a
 * difference (or an agreement the fleets above do not reach), named in the test.
 */
export function edgeCases(): PolicyCase[] {
  const allowOptional = policyForSubscription(DEFAULT_POLICY, { allowedModes: ['Required', 'Optional'] });
  const tagPolicy: Policy = { ...DEFAULT_POLICY, tagExemptions: true };
  return [
    makeCase('edge', edgeArm('no-kind-compliant', undefined, ON)),
    makeCase('edge', edgeArm('no-kind-no-fields', undefined, { sku: 'Basic' })),
    makeCase('edge', edgeArm('enabled-no-mode', 'app', { clientCertEnabled: true, sku: 'Basic' })),
    makeCase('edge', edgeArm('mode-in-other-case', 'app', { ...ON, clientCertMode: 'required' })),
    makeCase('edge', edgeArm('mode-with-blanks', 'app', { ...ON, clientCertMode: ' Required ' })),
    makeCase('edge', edgeArm('exclusion-blanks', 'app', { ...ON, clientCertExclusionPaths: ' , ,' })),
    makeCase('edge', edgeArm('exclusion-null', 'app', { ...ON, clientCertExclusionPaths: null })),
    makeCase('edge', edgeArm('exclusion-without-slash', 'app', { ...ON, clientCertExclusionPaths: 'health' })),
    makeCase('edge', edgeArm('kind-in-capitals', 'FunctionApp,WorkflowApp', { clientCertEnabled: false, sku: 'WorkflowStandard' })),
    makeCase('edge', edgeArm('shared-tier', 'app', { clientCertEnabled: false, sku: 'Shared' })),
    makeCase('edge', edgeArm('optional-allowed-by-subscription', 'app', { ...ON, clientCertMode: 'Optional' }), allowOptional),
    makeCase('edge', edgeArm('exclusion-reported-only', 'app', { ...ON, clientCertExclusionPaths: '/health' }), { ...DEFAULT_POLICY, exclusionPathsFail: false }),
    makeCase('edge', edgeArm('aca-held-by-enforcer', 'functionapp,linux,container,azurecontainerapps', { clientCertEnabled: false, sku: 'Standard' }), { ...DEFAULT_POLICY, notApplicableKinds: ['workflowapp'] }),
    makeCase('edge', edgeArm('tag-exempt', 'app', { clientCertEnabled: false, sku: 'Standard' }, { [DEFAULT_POLICY.exemptionTagName]: 'expires=2027-01-31;owner=team@contoso.example;reason=partner without certificates' }), tagPolicy),
  ];
}

function registerExemption(resourceId: string): Exemption {
  return { source: 'register', scope: resourceId.toLowerCase(), owner: 'billing@contoso.example', approver: 'ciso@contoso.example', reason: 'legacy partner', category: 'waiver', expiresAt: '2026-12-31T00:00:00Z' };
}
