import type { TableClient } from '@azure/data-tables';
import type { LeasesPort } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { encodeKey } from './encodeKey.js';
import { readString } from './entityFields.js';
import type { EntityKeys } from './findingEntity.js';
import { isEntityConflict, isEntityNotFound, isPreconditionFailed } from './mapTableError.js';
import { spreadPartition } from './spreadPartition.js';
import { readRow, type OperationTimeout, type Table } from './tableAccess.js';

interface LeaseRow extends EntityKeys {
  holder: string;
  expiresAt: string;
}

/** PK = short hash of the name (names such as ARM ids share long prefixes), RK = the name. */
export function leaseKeys(name: string): EntityKeys {
  if (typeof name !== 'string' || name === '') throw new InvalidInputError('lease name is empty');
  return { partitionKey: spreadPartition(name), rowKey: encodeKey(name) };
}

/**
 * Leases by optimistic concurrency: a new lease is an insert (only one insert of a row can
 * succeed), a taken-over or extended one a replace conditional on the ETag that was read (only
 * one replace per version can succeed). A lost race answers false, never an error.
 */
export function createLeasesTable(table: Table): LeasesPort {
  /** ETag of each lease this process holds, by name and holder (what release deletes). */
  const held = new Map<string, string>();
  const remember = (name: string, holder: string, etag: string | false): boolean => {
    if (etag) held.set(heldKey(name, holder), etag);
    return etag !== false;
  };
  return {
    async tryAcquire(name, holder, now, ttlMs) {
      const keys = leaseKeys(name);
      const lease: LeaseRow = { ...keys, holder: checkHolder(holder), expiresAt: expiry(now, ttlMs) };
      // Most leases are free: try the insert first (one round trip); only a taken row is read.
      const inserted = await table.run('take lease', (client, options) => insertLease(client, lease, options));
      if (inserted !== false) return remember(name, holder, inserted);
      const current = await readRow(table, 'read lease', keys.partitionKey, keys.rowKey);
      // Released between our insert and our read: the insert decides again, as before.
      if (!current) return remember(name, holder, await table.run('take lease', (client, options) => insertLease(client, lease, options)));
      const currentExpiry = Date.parse(readString(current, 'expiresAt') ?? '');
      // An unreadable expiry counts as expired: a damaged row must not block its resource for ever.
      const free = !(currentExpiry >= now.getTime());
      if (!free && readString(current, 'holder') !== holder) return false;
      return remember(name, holder, await table.run('renew lease', (client, options) => replaceLease(client, lease, current.etag, options)));
    },
    async release(name, holder) {
      const keys = leaseKeys(name);
      checkHolder(holder);
      // The version we wrote, when this process took the lease: delete only that version (one round trip).
      const mine = held.get(heldKey(name, holder));
      held.delete(heldKey(name, holder));
      const etag = mine ?? (await readOwned(table, keys, holder));
      if (!etag) return;
      await table.run('release lease', async (client, options) => {
        try {
          await client.deleteEntity(keys.partitionKey, keys.rowKey, { ...options, etag });
        } catch (err) {
          // Gone, or taken over (or renewed) since: either way it is no longer this version to release.
          if (!isEntityNotFound(err) && !isPreconditionFailed(err)) throw err;
        }
      });
    },
  };
}

const heldKey = (name: string, holder: string) => `${name}\u0000${holder}`;

/** The lease row's ETag when `holder` holds it, else undefined. */
async function readOwned(table: Table, keys: EntityKeys, holder: string): Promise<string | undefined> {
  const current = await readRow(table, 'read lease', keys.partitionKey, keys.rowKey);
  return current && readString(current, 'holder') === holder ? current.etag : undefined;
}

/** The new row's ETag, or false when the row exists already. */
async function insertLease(client: TableClient, lease: LeaseRow, options: OperationTimeout): Promise<string | false> {
  try {
    return (await client.createEntity(lease, options)).etag ?? '';
  } catch (err) {
    if (isEntityConflict(err)) return false;
    throw err;
  }
}

/** The replaced row's ETag, or false when the row changed or went since it was read. */
async function replaceLease(client: TableClient, lease: LeaseRow, etag: string, options: OperationTimeout): Promise<string | false> {
  try {
    return (await client.updateEntity(lease, 'Replace', { ...options, etag })).etag ?? '';
  } catch (err) {
    // 412: someone else renewed or took it since we read; 404: released since we read.
    if (isPreconditionFailed(err) || isEntityNotFound(err)) return false;
    throw err;
  }
}

function checkHolder(holder: string): string {
  if (typeof holder !== 'string' || holder === '') throw new InvalidInputError('lease holder is empty');
  return holder;
}

function expiry(now: Date, ttlMs: number): string {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidInputError('lease time is not a valid Date');
  const until = new Date(now.getTime() + ttlMs);
  if (!(ttlMs > 0) || Number.isNaN(until.getTime())) throw new InvalidInputError(`lease ttl must be a positive number of milliseconds, got ${ttlMs}`);
  return until.toISOString();
}
