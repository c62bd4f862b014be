import { readdirSync, readFileSync } from 'node:fs';

// Documented payloads live beside the repository in ../shared; variants of our own in test/fixtures.
const SHARED = new URL('../../../shared/fixtures/eventgrid/', import.meta.url);
const OWN = new URL('../fixtures/events/', import.meta.url);

export const sharedFixtureNames = (): string[] => readdirSync(SHARED).filter((f) => f.endsWith('.json')).sort();
export const sharedFixture = (name: string): string => readFileSync(new URL(name, SHARED), 'utf8');
export const ownFixtureNames = (): string[] => readdirSync(OWN).filter((f) => f.endsWith('.json')).sort();
export const ownFixture = (name: string): string => readFileSync(new URL(name, OWN), 'utf8');
export const ownFixtureBytes = (name: string): Buffer => readFileSync(new URL(name, OWN));
