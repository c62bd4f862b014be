import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { classifyEvent, parseDelivery } from '../../src/events/index.js';
import { DEFAULT_POLICY, evaluate, parseIsoDate, parseSiteId } from '../../src/policy/index.js';
import type { Exemption, Policy, SiteSnapshot } from '../../src/policy/types.js';
import { decodeKey, encodeKey, MAX_KEY_LENGTH } from '../../src/store/encodeKey.js';
import { ownFixture, ownFixtureNames, documentedFixture, documentedFixtureNames } from '../events/fixtures.js';

// Bounded runs: each property is a few hundred cases, so the file stays quick on two cores.
const RUNS = { numRuns: 500 };

type Json = Record<string, unknown>;

/** Every event of every real-shaped fixture (shared documented payloads and our own variants). */
const FIXTURE_EVENTS: Json[] = [
  ...documentedFixtureNames().map(documentedFixture),
  ...ownFixtureNames().map(ownFixture),
].flatMap((text) => {
  const parsed = JSON.parse(text) as unknown;
  return (Array.isArray(parsed) ? parsed : [parsed]).filter((e): e is Json => !!e && typeof e === 'object' && !Array.isArray(e));
});
/** Those the parser finds relevant as delivered: the ones a mutation can wrongly keep relevant. */
const RELEVANT_EVENTS = FIXTURE_EVENTS.filter((e) => classifyEvent(e).kind === 'relevant');

const isEventGrid = (e: Json) => 'eventType' in e;

/** Values no required string attribute may hold. */
const BAD_VALUES: unknown[] = [undefined, null, '', '   ', 42, 0, true, {}, [], ['x']];

/**
 * One attribute an event needs to be acted on (path from the event root), and the values that must
 * make it not relevant. `subject` may be `""` in the Event Grid schema (the validation event has it).
 */
function requiredFields(e: Json): Array<{ path: string[]; bad: unknown[] }> {
  const strings = (...path: string[]) => ({ path, bad: BAD_VALUES });
  const dates = (...path: string[]) => ({ path, bad: [...BAD_VALUES, 'yesterday', '2026-02-30T10:00:00Z', '1'] });
  const common = [
    { path: ['data'], bad: [undefined, null, 'text', 42, [], ['x']] },
    strings('id'),
    strings('data', 'operationName'),
    { path: ['data', 'resourceUri'], bad: [...BAD_VALUES, '/subscriptions/x', 'https://example.invalid/'] },
  ];
  if (isEventGrid(e)) {
    return [...common, strings('eventType'), dates('eventTime'), strings('dataVersion'), { path: ['subject'], bad: [undefined, null, 42, {}] }, { path: ['metadataVersion'], bad: ['2', 7] }];
  }
  return [...common, strings('type'), strings('source'), { path: ['specversion'], bad: [...BAD_VALUES, '0.3'] }, dates('time')];
}

/** A deep copy of `e` with the value at `path` replaced (undefined: removed). */
function withValue(e: Json, path: string[], value: unknown): Json {
  const copy = structuredClone(e);
  let node: Json = copy;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) return copy;
    node = next as Json;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Every path in a JSON value, objects and arrays alike, the root excluded. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Json).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** What any relevant classification must be true to, whatever the event held. */
function expectSoundRelevant(raw: unknown): void {
  const result = classifyEvent(raw);
  if (result.kind !== 'relevant') return;
  const e = raw as Json;
  const data = e.data as Json;
  const { event } = result;
  expect(typeof event.eventId === 'string' && event.eventId.trim()).toBeTruthy();
  expect(event.eventId).toBe(e.id);
  expect(event.eventType).toBe(isEventGrid(e) ? e.eventType : e.type);
  expect(event.resourceUri).toBe(data.resourceUri);
  expect(event.target).toEqual(parseSiteId(event.resourceUri));
  expect(parseIsoDate(event.eventTime)).toBeDefined();
  expect(['microsoft.web/sites/write', 'microsoft.web/sites/slots/write', 'microsoft.web/sites/config/write', 'microsoft.web/sites/slots/config/write', 'microsoft.web/sites/delete', 'microsoft.web/sites/slots/delete']).toContain(event.operationName.trim().toLowerCase());
  if (data.subscriptionId !== undefined) expect(String(data.subscriptionId).trim().toLowerCase()).toBe(event.target.subscriptionId);
}

/** parseDelivery's contract: a Delivery, or InvalidInputError for an unreadable body; nothing else. */
function parseOrInvalid(body: unknown): ReturnType<typeof parseDelivery> | InvalidInputError {
  try {
    return parseDelivery(body);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
}

describe('event parser under arbitrary and mutated input', () => {
  it('has real-shaped fixtures of both schemas to mutate', () => {
    expect(RELEVANT_EVENTS.filter(isEventGrid).length).toBeGreaterThan(3);
    expect(RELEVANT_EVENTS.filter((e) => !isEventGrid(e)).length).toBeGreaterThan(0);
  });

  it('never throws on any value as an event, and answers one of three kinds', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true }), (value) => {
        expect(['relevant', 'ignored', 'invalid']).toContain(classifyEvent(value).kind);
        expectSoundRelevant(value);
      }),
      RUNS,
    );
  });

  it('reads any body (text, bytes, parsed JSON) as a delivery or rejects it as invalid input, nothing else', () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.uint8Array({ maxLength: 200 }),
      fc.jsonValue(),
      fc.json(),
      fc.array(fc.constantFrom(...FIXTURE_EVENTS)).map((events) => JSON.stringify(events)),
    );
    fc.assert(
      fc.property(body, (value) => {
        const result = parseOrInvalid(value);
        if (result instanceof InvalidInputError) return;
        if (result.kind === 'events') for (const item of result.events) expect(['relevant', 'ignored', 'invalid']).toContain(item.kind);
      }),
      RUNS,
    );
  });

  it('never keeps an event relevant once an attribute it needs is missing, blank, mistyped or malformed', () => {
    const mutation = fc
      .constantFrom(...RELEVANT_EVENTS)
      .chain((e) => fc.constantFrom(...requiredFields(e)).chain((field) => fc.constantFrom(...field.bad).map((value) => ({ e, field, value }))));
    fc.assert(
      fc.property(mutation, ({ e, field, value }) => {
        const mutated = withValue(e, field.path, value);
        const result = classifyEvent(mutated);
        expect(result.kind, `${field.path.join('.')} = ${JSON.stringify(value)}`).not.toBe('relevant');
      }),
      RUNS,
    );
  });

  it('classifies any single-field mutation of a real event without throwing, and what stays relevant is sound', () => {
    const mutation = fc.constantFrom(...FIXTURE_EVENTS).chain((e) =>
      fc.record({ e: fc.constant(e), path: fc.constantFrom(...pathsOf(e)), value: fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string({ unit: 'binary' })) }),
    );
    fc.assert(
      fc.property(mutation, ({ e, path, value }) => {
        const mutated = withValue(e, path, value);
        expect(['relevant', 'ignored', 'invalid']).toContain(classifyEvent(mutated).kind);
        expectSoundRelevant(mutated);
      }),
      RUNS,
    );
  });

  it('classifies each event of a mutated batch on its own: one bad event hides none of the others', () => {
    const batch = fc.array(
      fc.oneof(fc.constantFrom(...RELEVANT_EVENTS), fc.constantFrom(...RELEVANT_EVENTS).chain((e) => fc.constantFrom(...requiredFields(e)).map((f) => withValue(e, f.path, f.bad[0])))),
      { minLength: 2, maxLength: 8 },
    );
    fc.assert(
      fc.property(batch, (events) => {
        const delivery = parseDelivery(JSON.stringify(events));
        expect(delivery.kind).toBe('events');
        if (delivery.kind !== 'events') return;
        expect(delivery.events.map((c) => c.kind)).toEqual(events.map((e) => classifyEvent(e).kind));
      }),
      { numRuns: 200 },
    );
  });
});

describe('Table Storage key encoding', () => {
  // Plain text, the characters Table Storage forbids, our escape character, and lone surrogates.
  const tricky = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom('/', '\\', '#', '?', '~', '%', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '~2f', '~u', '~zz') },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  );
  const anyKey = fc.oneof(fc.string({ unit: tricky, maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 300 }));
  const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it('round-trips, never emits / \\ # ? or control characters, and stays well-formed UTF-16', () => {
    fc.assert(
      fc.property(anyKey, (value) => {
        const key = encodeKey(value);
        expect(FORBIDDEN.test(key)).toBe(false);
        expect(LONE_SURROGATE.test(key)).toBe(false);
        expect(key.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
        expect(decodeKey(key)).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives distinct keys to distinct values', () => {
    fc.assert(
      fc.property(anyKey, anyKey, (a, b) => {
        fc.pre(a !== b);
        expect(encodeKey(a)).not.toBe(encodeKey(b));
      }),
      RUNS,
    );
  });

  it('refuses, as invalid input, a value whose key would pass the 1 KiB limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: tricky, minLength: 1030, maxLength: 1200 }), (value) => {
        expect(() => encodeKey(value)).toThrow(InvalidInputError);
      }),
      { numRuns: 50 },
    );
  });

  it('round-trips real-shaped ARM ids with odd names', () => {
    const name = fc.string({ unit: tricky, minLength: 1, maxLength: 40 });
    const id = fc.tuple(fc.uuid(), name, name, fc.option(name)).map(([s, rg, site, slot]) => `/subscriptions/${s}/resourcegroups/${rg}/providers/microsoft.web/sites/${site}${slot === null ? '' : `/slots/${slot}`}`);
    fc.assert(
      fc.property(id, (value) => {
        expect(decodeKey(encodeKey(value))).toBe(value);
        expect(FORBIDDEN.test(encodeKey(value))).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('policy verdict is a pure function of its inputs', () => {
  const text = fc.oneof(fc.constantFrom('Required', 'required', ' Required ', 'Optional', 'OptionalInteractiveUser', ''), fc.string({ maxLength: 12 }));
  const site: fc.Arbitrary<SiteSnapshot> = fc.record(
    {
      id: fc.constant('/subscriptions/p0000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/app'),
      name: fc.constant('app'),
      isSlot: fc.boolean(),
      kind: fc.oneof(fc.constantFrom('app', 'functionapp', 'functionapp,workflowapp', 'app,linux,azurecontainerapps'), fc.string({ maxLength: 10 })),
      clientCertEnabled: fc.boolean(),
      clientCertMode: text,
      clientCertExclusionPaths: fc.constantFrom('', '/health', '/a,/b', ' '),
      sku: fc.constantFrom('Free', 'Shared', 'Basic', 'Standard', 'PremiumV3', 'FlexConsumption'),
      tags: fc.dictionary(fc.constantFrom('env', 'mtls-enforcer-exempt', 'owner'), fc.string({ maxLength: 60 })),
    },
    { requiredKeys: ['id', 'name', 'isSlot'] },
  );
  const policy: fc.Arbitrary<Policy> = fc.record({
    allowedModes: fc.subarray(['Required', 'Optional', 'OptionalInteractiveUser']),
    exclusionPathsFail: fc.boolean(),
    notApplicableKinds: fc.subarray(['workflowapp', 'azurecontainerapps']),
    tagExemptions: fc.boolean(),
    exemptionTagName: fc.constant('mtls-enforcer-exempt'),
  });
  const exemption: fc.Arbitrary<Exemption> = fc.record(
    {
      source: fc.constantFrom('register' as const, 'tag' as const),
      scope: fc.constant('/subscriptions/p0000000-0000-4000-8000-000000000001/resourcegroups/rg/providers/microsoft.web/sites/app'),
      owner: fc.string({ maxLength: 10 }),
      approver: fc.string({ maxLength: 10 }),
      reason: fc.string({ maxLength: 10 }),
      category: fc.constantFrom('waiver' as const, 'mitigated' as const),
      expiresAt: fc.constantFrom('2020-01-01', '2030-06-30', '2030-02-30', 'never', '2027-01-01T00:00:00Z'),
      malformed: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['source', 'scope'] },
  );
  const now = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2032-01-01T00:00:00Z'), noInvalidDate: true });

  it('gives the same verdict for the same inputs, and never changes its inputs', () => {
    fc.assert(
      fc.property(site, policy, now, fc.array(exemption, { maxLength: 3 }), (s, p, n, x) => {
        const before = structuredClone({ s, p, n, x });
        const first = evaluate(s, p, n, x);
        const second = evaluate(structuredClone(s), structuredClone(p), new Date(n.getTime()), structuredClone(x));
        expect(second).toEqual(first);
        expect({ s, p, n, x }).toEqual(before);
      }),
      { numRuns: 1000 },
    );
  });

  it('judges a mode named like an Object.prototype member (found by the property above) instead of throwing', () => {
    for (const mode of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const app: SiteSnapshot = { id: '/subscriptions/p/resourceGroups/rg/providers/Microsoft.Web/sites/app', name: 'app', isSlot: false, clientCertEnabled: true, clientCertMode: mode };
      const verdict = evaluate(app, DEFAULT_POLICY, new Date('2026-01-01T00:00:00Z'));
      expect(verdict.status).toBe('noncompliant');
      expect(verdict.reasons[0]?.message).toContain(`${mode} (not a mode the portal knows)`);
    }
  });

  it('agrees with the plain rule the storms use as ground truth (enabled and mode Required) on a supported, unexempted app', () => {
    fc.assert(
      fc.property(fc.option(fc.boolean(), { nil: undefined }), fc.option(text, { nil: undefined }), now, (enabled, mode, n) => {
        const app: SiteSnapshot = { id: '/subscriptions/p/resourceGroups/rg/providers/Microsoft.Web/sites/app', name: 'app', isSlot: false, kind: 'app', sku: 'Standard' };
        if (enabled !== undefined) app.clientCertEnabled = enabled;
        if (mode !== undefined) app.clientCertMode = mode;
        const plain = enabled === true && mode?.trim().toLowerCase() === 'required';
        expect(evaluate(app, DEFAULT_POLICY, n).status).toBe(plain ? 'compliant' : 'noncompliant');
      }),
      RUNS,
    );
  });
});
