import type { TokenCredential } from '@azure/core-auth';
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { InvalidInputError } from '../errors.js';
import type { StoredEntity } from './entityFields.js';
import { isEntityNotFound, isTableAlreadyExists, isTableNotFound, mapTableError } from './mapTableError.js';

export interface TableConnection {
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
  /** Needed for http:// endpoints (Azurite on a port other than the default). */
  allowInsecureConnection?: boolean;
  /** Per HTTP attempt (default 5 s). The SDK does not retry a timed-out attempt, so a silent account fails after this. */
  requestTimeoutMs?: number;
}

/** One table, created on first use; every SDK failure leaves it through mapTableError. */
export interface Table {
  readonly name: string;
  run<T>(what: string, op: (client: TableClient, options: OperationTimeout) => Promise<T>): Promise<T>;
  /** Pages of raw entities, fetched one at a time as the caller iterates. */
  pages(what: string, filter: string | undefined, pageSize: number): AsyncGenerator<StoredEntity[]>;
}

export interface OperationTimeout {
  requestOptions: { timeout: number };
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Short on purpose: callers retry TransientError themselves (queue, Event Grid), minutes of SDK retries only block them. */
const RETRY_OPTIONS = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 };

/** createTable once per table per account per process; a failed attempt is forgotten so the next call retries. */
const created = new Map<string, Promise<void>>();

export function createTableOpener(connection: TableConnection): (name: string) => Table {
  const timeout: OperationTimeout = { requestOptions: { timeout: connection.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS } };
  return (name) => {
    let client: TableClient | undefined;
    const ready = async (): Promise<TableClient> => {
      client ??= newClient(connection, name);
      await ensureTable(client, timeout);
      return client;
    };
    const fail = (err: unknown, what: string): Error => {
      if (isTableNotFound(err) && client) created.delete(tableKey(client)); // deleted behind our back: recreate on retry
      return mapTableError(err, `${what} in ${name}`);
    };
    return {
      name,
      async run(what, op) {
        try {
          return await op(await ready(), timeout);
        } catch (err) {
          throw fail(err, what);
        }
      },
      async *pages(what, filter, pageSize) {
        try {
          const table = await ready();
          const query = table.listEntities<StoredEntity>({ ...timeout, queryOptions: filter ? { filter } : {} });
          for await (const page of query.byPage({ maxPageSize: pageSize })) yield page;
        } catch (err) {
          throw fail(err, what);
        }
      },
    };
  };
}

/** A point read; undefined when the row does not exist. The ETag comes along for conditional writes. */
export function readRow(table: Table, what: string, partitionKey: string, rowKey: string): Promise<(StoredEntity & { etag: string }) | undefined> {
  return table.run(what, async (client, options) => {
    try {
      return await client.getEntity<StoredEntity>(partitionKey, rowKey, options);
    } catch (err) {
      if (isEntityNotFound(err)) return undefined;
      throw err;
    }
  });
}

function ensureTable(client: TableClient, timeout: OperationTimeout): Promise<void> {
  const key = tableKey(client);
  let pending = created.get(key);
  if (!pending) {
    pending = client.createTable(timeout).catch((err: unknown) => {
      if (isTableAlreadyExists(err)) return;
      created.delete(key);
      throw err;
    });
    created.set(key, pending);
  }
  return pending;
}

/** `client.url` is the account's URL: the table name completes the identity. */
function tableKey(client: TableClient): string {
  return `${client.url}|${client.tableName}`;
}

function newClient(connection: TableConnection, name: string): TableClient {
  const options: TableServiceClientOptions = { retryOptions: RETRY_OPTIONS };
  if (connection.allowInsecureConnection) options.allowInsecureConnection = true;
  if (connection.connectionString) return TableClient.fromConnectionString(connection.connectionString, name, options);
  if (connection.accountUrl && connection.credential) return new TableClient(connection.accountUrl, name, connection.credential, options);
  throw new InvalidInputError('Table Storage needs a connection string, or an account URL and a credential');
}
