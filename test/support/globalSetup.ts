import type { TestProject } from 'vitest/node';
import { startAzurite } from './azurite.js';

/** What every test file can `inject('azurite')`: one Azurite for the whole run. */
export interface ProvidedAzurite {
  connectionString: string;
  tableUrl: string;
  queueUrl: string;
  blobUrl: string;
  accountName: string;
  accountKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    azurite: ProvidedAzurite;
  }
}

/**
 * Vitest global setup: starts one Azurite (blob, queue, table) before any test file and stops
 * it after the last. Tests share it and isolate themselves by unique table/queue names.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('azurite', {
    connectionString: azurite.connectionString,
    tableUrl: azurite.tableUrl,
    queueUrl: azurite.queueUrl,
    blobUrl: azurite.blobUrl,
    accountName: azurite.accountName,
    accountKey: azurite.accountKey,
  });
  return () => azurite.stop();
}
