import { odata } from '@azure/data-tables';
import type { SubscriptionRunRecord, SweepRunRecord, SweepsPort } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { definedProperties, readJson, readNumber, readString, withoutUndefined, type StoredEntity } from './entityFields.js';
import { checkEntity } from './entityLimits.js';
import type { Table } from './tableAccess.js';

/** The run's own row sorts before any subscription id (`~` is escaped by encodeKey, so no key starts with it). */
const RUN_ROW = '!run';

/** PK = run id (run ids are made newest-first sortable by planSweep), RK = RUN_ROW or the subscription id. */
export function createSweepsTable(table: Table): SweepsPort {
  return {
    async createRun(run) {
      const partitionKey = runKey(run.id);
      const entity = { partitionKey, rowKey: RUN_ROW, startedAt: run.startedAt, trigger: run.trigger, subscriptionIds: JSON.stringify(run.subscriptionIds) };
      checkEntity(table.name, partitionKey, RUN_ROW, entity);
      await table.run('create sweep run', (client, options) => client.upsertEntity(entity, 'Replace', options));
      // Pending rows only where none exists yet: a re-planned run never resets a finished subscription.
      for (const subscriptionId of run.subscriptionIds) {
        const rowKey = encodeKey(subscriptionId);
        const pending = { partitionKey, rowKey, status: 'pending', ...definedProperties({ subscriptionName: run.subscriptionNames?.[subscriptionId.toLowerCase()] }) };
        checkEntity(table.name, partitionKey, rowKey, pending);
        await table.run('create pending subscription row', async (client, options) => {
          await client.createEntity(pending, options).catch((err: { statusCode?: number }) => {
            if (err.statusCode !== 409) throw err;
          });
        });
      }
    },
    async recordSubscription(runId, result) {
      const partitionKey = runKey(runId);
      const rowKey = encodeKey(result.subscriptionId);
      const properties = definedProperties({
        status: result.status, subscriptionName: result.subscriptionName, mode: result.mode, evaluated: result.evaluated, historyRows: result.historyRows, deleted: result.deleted,
        counts: result.counts && JSON.stringify(result.counts), debt: result.debt, durationMs: result.durationMs, armCalls: result.armCalls, error: result.error, finishedAt: result.finishedAt,
      });
      checkEntity(table.name, partitionKey, rowKey, properties);
      await table.run('record sweep result', (client, options) => client.upsertEntity({ partitionKey, rowKey, ...properties }, 'Replace', options));
    },
    async getRun(runId) {
      const rows: StoredEntity[] = [];
      for await (const page of table.pages('read sweep run', odata`PartitionKey eq ${runKey(runId)}`, 1000)) rows.push(...page);
      return toRun(runId, rows);
    },
    async latestRuns(limit) {
      const heads: StoredEntity[] = [];
      for await (const page of table.pages('list sweep runs', odata`RowKey eq ${RUN_ROW}`, Math.min(limit, 1000))) {
        heads.push(...page);
        if (heads.length >= limit) break;
      }
      const runs = await Promise.all(heads.slice(0, limit).map((h) => this.getRun(decodeKey(h.partitionKey ?? ''))));
      return runs.filter((r): r is SweepRunRecord => r !== undefined);
    },
  };
}

function runKey(runId: string): string {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(runId)) throw new InvalidInputError(`sweep run id ${JSON.stringify(runId)} must be letters, digits, . _ - (at most 128)`);
  return encodeKey(runId);
}

function toRun(runId: string, rows: StoredEntity[]): SweepRunRecord | undefined {
  const head = rows.find((r) => r.rowKey === RUN_ROW);
  if (!head) return undefined;
  const subscriptions = rows.filter((r) => r.rowKey !== RUN_ROW).map((r) =>
    withoutUndefined<SubscriptionRunRecord>({
      subscriptionId: decodeKey(r.rowKey ?? ''),
      subscriptionName: readString(r, 'subscriptionName'),
      status: (readString(r, 'status') ?? 'pending') as SubscriptionRunRecord['status'],
      mode: readString(r, 'mode'),
      evaluated: readNumber(r, 'evaluated'), historyRows: readNumber(r, 'historyRows'), deleted: readNumber(r, 'deleted'),
      counts: readJson<Record<string, number> | undefined>(r, 'counts', undefined),
      // Rows recorded before debt was counted have none: left absent (unknown), never read as 0.
      debt: readNumber(r, 'debt'),
      durationMs: readNumber(r, 'durationMs'), armCalls: readNumber(r, 'armCalls'),
      error: readString(r, 'error'), finishedAt: readString(r, 'finishedAt'),
    }),
  );
  return { id: runId, startedAt: readString(head, 'startedAt') ?? '', trigger: readString(head, 'trigger') ?? '', subscriptions };
}
