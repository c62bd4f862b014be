import type { TableClient } from '@azure/data-tables';
import type { LeasesPort } from '../enforcer/ports.js';
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
  return {
    async tryAcquire(name, holder, now, ttlMs) {
      const keys = leaseKeys(name);
      const lease: LeaseRow = { ...keys, holder: checkHolder(holder), expiresAt: expiry(now, ttlMs) };
      const current = await readRow(table, 'read lease', keys.partitionKey, keys.rowKey);
      if (!current) return table.run('take lease', (client, options) => insertLease(client, lease, options));
      const currentExpiry = Date.parse(readString(current, 'expiresAt') ?? '');
      // An unreadable expiry counts as expired: a damaged row must not block its resource for ever.
      const free = !(currentExpiry >= now.getTime());
      if (!free && readString(current, 'holder') !== holder) return false;
      return table.run('renew lease', (client, options) => replaceLease(client, lease, current.etag, options));
    },
    async release(name, holder) {
      const keys = leaseKeys(name);
      checkHolder(holder);
      const current = await readRow(table, 'read lease', keys.partitionKey, keys.rowKey);
      if (!current || readString(current, 'holder') !== holder) return;
      await table.run('release lease', async (client, options) => {
        try {
          await client.deleteEntity(keys.partitionKey, keys.rowKey, { ...options, etag: current.etag });
        } catch (err) {
          // Gone, or taken over since we read it: either way it is no longer ours to release.
          if (!isEntityNotFound(err) && !isPreconditionFailed(err)) throw err;
        }
      });
    },
  };
}

async function insertLease(client: TableClient, lease: LeaseRow, options: OperationTimeout): Promise<boolean> {
  try {
    await client.createEntity(lease, options);
    return true;
  } catch (err) {
    if (isEntityConflict(err)) return false;
    throw err;
  }
}

async function replaceLease(client: TableClient, lease: LeaseRow, etag: string, options: OperationTimeout): Promise<boolean> {
  try {
    await client.updateEntity(lease, 'Replace', { ...options, etag });
    return true;
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
