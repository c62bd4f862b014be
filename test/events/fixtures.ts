import { readdirSync, readFileSync } from 'node:fs';

// Documented payloads (Azure's own samples, see test/fixtures/README.md) and variants of our own.
const DOCUMENTED = new URL('../fixtures/eventgrid/', import.meta.url);
const OWN = new URL('../fixtures/events/', import.meta.url);

export const documentedFixtureNames = (): string[] => readdirSync(DOCUMENTED).filter((f) => f.endsWith('.json')).sort();
export const documentedFixture = (name: string): string => readFileSync(new URL(name, DOCUMENTED), 'utf8');
export const ownFixtureNames = (): string[] => readdirSync(OWN).filter((f) => f.endsWith('.json')).sort();
export const ownFixture = (name: string): string => readFileSync(new URL(name, OWN), 'utf8');
export const ownFixtureBytes = (name: string): Buffer => readFileSync(new URL(name, OWN));
