import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/index.js';
import { DEFAULT_POLICY, type SiteSnapshot } from '../../src/policy/types.js';

// The official Microsoft.Web REST examples (test/fixtures/README.md names their source).
const ARM = new URL('../fixtures/arm/', import.meta.url);
const NOW = new Date('2026-10-02T12:00:00Z');

interface ArmSite {
  id: string;
  name: string;
  kind?: string;
  location?: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
}

/** The fields the control reads, from a REST payload (the adapter does the same from the SDK's `Site`). */
function toSnapshot(site: ArmSite): SiteSnapshot {
  const p = site.properties;
  const snapshot: SiteSnapshot = { id: site.id, name: site.name, isSlot: /\/slots\/[^/]+$/i.test(site.id) };
  if (site.kind !== undefined) snapshot.kind = site.kind;
  if (typeof p.clientCertEnabled === 'boolean') snapshot.clientCertEnabled = p.clientCertEnabled;
  if (typeof p.clientCertMode === 'string') snapshot.clientCertMode = p.clientCertMode;
  if (typeof p.clientCertExclusionPaths === 'string') snapshot.clientCertExclusionPaths = p.clientCertExclusionPaths;
  if (typeof p.sku === 'string') snapshot.sku = p.sku;
  if (site.tags !== undefined) snapshot.tags = site.tags;
  return snapshot;
}

/** Every site or slot in a fixture's 200/202 answers: a single resource or a `value` list. */
function sitesIn(file: string): ArmSite[] {
  const example = JSON.parse(readFileSync(new URL(file, ARM), 'utf8')) as { responses: Record<string, { body?: { value?: ArmSite[] } & ArmSite }> };
  return Object.values(example.responses).flatMap((r) => (r.body ? (r.body.value ?? [r.body]) : []));
}

const cases = readdirSync(ARM)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) => sitesIn(file).map((site): [string, string, ArmSite] => [file, site.name, site]));

describe('evaluate on the REST API examples', () => {
  it('finds sites in every example', () => {
    expect(new Set(cases.map(([file]) => file)).size).toBe(6);
  });

  it.each(cases)('%s: %s is noncompliant because client certificates are off, though the mode reads Required', (_file, _name, site) => {
    const snapshot = toSnapshot(site);

    const verdict = evaluate(snapshot, DEFAULT_POLICY, NOW);

    expect(snapshot).toMatchObject({ clientCertEnabled: false, clientCertMode: 'Required' });
    expect(verdict.status).toBe('noncompliant');
    expect(verdict.reasons.map((r) => r.code)).toEqual(['client-cert-disabled']);
  });

  it('turns compliant once the fields a remediation PATCH sets are in place', () => {
    const [, , site] = cases.find(([file]) => file.includes('GetWebApp.json')) ?? [];
    if (!site) throw new Error('GetWebApp example missing');

    const verdict = evaluate({ ...toSnapshot(site), clientCertEnabled: true, clientCertMode: 'Required' }, DEFAULT_POLICY, NOW);

    expect(verdict).toEqual({ status: 'compliant', reasons: [], advice: [] });
  });
});
