import { odata } from '@azure/data-tables';
import type { Mode, SettingsPort, SubscriptionSettings } from '../model/index.js';
import { withoutUndefined } from './entityFields.js';
import { readNewest } from './newestFirst.js';
import { isEntityNotFound, isPreconditionFailed } from './mapTableError.js';
import {
  acceptsBaseline,
  checkSettings,
  fromSettingsEntity,
  fromSettingsHistoryEntity,
  SETTINGS_PARTITION,
  settingsHistoryKeys,
  settingsHistoryPartition,
  subscriptionKey,
  toSettingsEntity,
  toSettingsHistoryEntity,
  type SettingsChange,
} from './settingsEntity.js';
import { readRow, type Table } from './tableAccess.js';

const PAGE_SIZE = 1000;

/** Per-subscription mode (`current`) and every change to it (`history`, newest first). */
export function createSettingsTable(current: Table, history: Table): SettingsPort {
  return {
    async get(subscriptionId) {
      const entity = await readRow(current, 'read settings', SETTINGS_PARTITION, subscriptionKey(subscriptionId));
      return entity && fromSettingsEntity(entity);
    },
    async put(settings) {
      const row = checkSettings(settings);
      const from = await previousMode(current, history, row);
      const change = withoutUndefined<SettingsChange>({ at: row.updatedAt, by: row.updatedBy, from, to: row.mode, allowedModes: row.allowedModes });
      const historyEntity = toSettingsHistoryEntity(row.subscriptionId, change, history.name);
      const entity = toSettingsEntity(row, current.name);
      // History first: a failure in between leaves a recorded change to retry, never an unrecorded one.
      await history.run('append settings history', (client, options) => client.upsertEntity(historyEntity, 'Replace', options));
      await current.run('write settings', (client, options) => client.upsertEntity(entity, 'Replace', options));
    },
    async recordBaseline(subscriptionId, baseline, expect) {
      const entity = await readRow(current, 'read settings', SETTINGS_PARTITION, subscriptionKey(subscriptionId));
      const row = entity && fromSettingsEntity(entity);
      if (!entity || !acceptsBaseline(row, expect)) return false;
      const next = toSettingsEntity({ ...row, baselineAt: baseline.at, baselineRunId: baseline.runId }, current.name);
      // Conditional on the version read: a mode change meanwhile wins, and the next sweep sets the baseline.
      return current.run('write settings baseline', async (client, options) => {
        try {
          await client.updateEntity(next, 'Replace', { ...options, etag: entity.etag });
          return true;
        } catch (err) {
          if (isPreconditionFailed(err) || isEntityNotFound(err)) return false;
          throw err;
        }
      });
    },
    list() {
      return listSettings(current);
    },
    async history(subscriptionId, limit) {
      return readNewest(history, 'settings history', settingsHistoryPartition(subscriptionId), limit, fromSettingsHistoryEntity);
    },
  };
}

/**
 * The mode being replaced. When the current row already carries this change's time, this put is
 * a retry of one that landed: the history row written then still knows the mode before it.
 */
async function previousMode(current: Table, history: Table, row: SubscriptionSettings): Promise<Mode | undefined> {
  const existing = await readRow(current, 'read settings', SETTINGS_PARTITION, row.subscriptionId);
  if (!existing) return undefined;
  const stored = fromSettingsEntity(existing);
  if (Date.parse(stored.updatedAt) !== Date.parse(row.updatedAt)) return stored.mode;
  const { partitionKey, rowKey } = settingsHistoryKeys(row.subscriptionId, row.updatedAt);
  const earlier = await readRow(history, 'read settings history', partitionKey, rowKey);
  return earlier ? fromSettingsHistoryEntity(earlier).from : stored.mode;
}

async function* listSettings(table: Table): AsyncGenerator<SubscriptionSettings> {
  for await (const page of table.pages('list settings', odata`PartitionKey eq ${SETTINGS_PARTITION}`, PAGE_SIZE)) {
    for (const entity of page) yield fromSettingsEntity(entity);
  }
}
