import { EventGridDeserializer } from '@azure/eventgrid';
import { describe, expect, it } from 'vitest';
import { detectSchema } from '../../src/events/detectSchema.js';
import { readEnvelope } from '../../src/events/readEnvelope.js';
import { ownFixture, ownFixtureNames, documentedFixture, documentedFixtureNames } from './fixtures.js';

// Our envelope check is synchronous and per event; the SDK's deserializer is the reference it
// must agree with on every event of every fixture, one event at a time.
const deserializer = new EventGridDeserializer();

async function sdkAccepts(event: Record<string, unknown>): Promise<boolean> {
  const deserialize = detectSchema(event) === 'cloudevents' ? deserializer.deserializeCloudEvents(event) : deserializer.deserializeEventGridEvents(event);
  return deserialize.then(
    () => true,
    () => false,
  );
}

const events = [
  ...documentedFixtureNames().map((name) => [name, documentedFixture(name)] as const),
  ...ownFixtureNames().map((name) => [name, ownFixture(name)] as const),
].flatMap(([name, text]) => {
  const parsed = JSON.parse(text) as unknown;
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
  return list.map((event, i): [string, Record<string, unknown>] => [`${name}[${i}]`, event]);
});

describe('readEnvelope agrees with @azure/eventgrid', () => {
  it.each(events)('on %s', async (_name, event) => {
    const ours = !('problem' in readEnvelope(event));

    expect(ours).toBe(await sdkAccepts(event));
  });

  it('rejects, like the SDK, the published CloudEvent with topic for source and a stray backtick', async () => {
    const [event] = JSON.parse(documentedFixture('docs-event-schema-subscriptions-pl-pl.ResourceWriteSuccess.cloudevents-schema.json')) as Record<string, unknown>[];
    if (!event) throw new Error('fixture is empty');

    expect(await sdkAccepts(event)).toBe(false);
    expect(readEnvelope(event)).toHaveProperty('problem');
  });
});
