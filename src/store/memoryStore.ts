import type { ExemptionRecord, Mode, SubscriptionRunRecord, SubscriptionSettings, SweepRunRecord } from '../model/index.js';
import type { TableStore } from './createTableStore.js';
import { ConflictError } from '../errors.js';
import { registerExemptionsFor } from '../policy/index.js';
import { acceptsBaseline } from './settingsEntity.js';
import type { FindingsStore, RowExpectation } from './findingsTable.js';
import type { Finding, HistoryEntry } from '../model/index.js';
import { createMemoryRollouts } from './memoryRollouts.js';
import { createMemoryLog, instantKey } from './memoryLog.js';

/** The same ports as the Table Storage adapters, held in this process only; no notification outbox (runs kept in memory, sweep --no-store, notify no one). */
export type MemoryStore = Omit<TableStore, 'tables' | 'notifyOutbox'>;

/**
 * Table Storage's contract (ETags, conditional writes, a finding and its history row written
 * together or not at all) kept in memory: what `sweep --no-store` and `--dry-run` record into,
 * so a sweep runs with no storage account and nothing of a dry run reaches the real tables.
 * Gone when the process ends.
 */
export function createMemoryStore(): MemoryStore {
  let version = 0;
  const nextEtag = () => `W/"mem-${++version}"`;
  const rows = new Map<string, Finding>();
  const history = createMemoryLog<HistoryEntry>((e) => e.at);
  const settings = new Map<string, SubscriptionSettings>();
  const settingsHistory = createMemoryLog<SettingsChange>((h) => h.at);
  const register = new Map<string, ExemptionRecord>();
  const registerHistory = createMemoryLog<RegisterChange>((h) => h.at);
  /** One history row per scope, instant, action and id, as the register's history RowKey makes it. */
  const addRegisterChange = (change: RegisterChange): void => registerHistory.put([change.record.scope, instantKey(change.at), change.action, change.record.id].join('\u0000'), change);
  const seen = new Set<string>();
  const leases = new Map<string, { holder: string; until: number }>();
  const runs = new Map<string, SweepRunRecord>();

  const findings: FindingsStore = {
    async get(key) {
      const row = rows.get(key.toLowerCase());
      return row && structuredClone(row);
    },
    async put(finding, expect, entry) {
      if (expect && !matches(rows.get(finding.key), expect)) throw new ConflictError(`finding ${finding.key} changed since it was read`);
      return write(finding, entry);
    },
    async *list(options) {
      const sub = options?.subscriptionId?.toLowerCase();
      const prefix = options?.keyPrefix;
      for (const row of [...rows.values()]) {
        if (sub && row.subscriptionId.toLowerCase() !== sub) continue;
        if (prefix && !row.key.startsWith(prefix)) continue;
        yield structuredClone(row);
      }
    },
    async putMany(batch, expect, entries) {
      const conflicts: string[] = [];
      const etags = new Map<string, string>();
      let written = 0;
      for (const finding of batch) {
        const wanted = expect?.get(finding.key);
        if (wanted && !matches(rows.get(finding.key), wanted)) {
          conflicts.push(finding.key);
          continue;
        }
        etags.set(finding.key, write(finding, entries?.get(finding.key)));
        written++;
      }
      return { written, transactions: 0, conflicts, etags };
    },
  };

  /** The finding and its history row land together, as in one Table Storage transaction. */
  function write(finding: Finding, entry: HistoryEntry | undefined): string {
    const etag = nextEtag();
    rows.set(finding.key, { ...structuredClone(finding), etag });
    if (entry) history.put(historyKey(entry), entry);
    return etag;
  }

  return {
    findings,
    rollouts: createMemoryRollouts(),
    history: {
      async list(key, limit) {
        const wanted = key.toLowerCase();
        return history.newest((e) => e.key === wanted, limit);
      },
    },
    processedEvents: {
      async seen(events) {
        return new Set(events.map((e) => e.eventId).filter((id) => seen.has(id)));
      },
      async mark(events) {
        for (const e of events) seen.add(e.eventId);
      },
    },
    exemptions: {
      async forResource(ref) {
        return registerExemptionsFor(ref.key, register.values());
      },
    },
    exemptionRegister: {
      async put(input) {
        const record = { ...input, scope: input.scope.toLowerCase() };
        register.set(`${record.scope}\u0000${record.id}`, structuredClone(record));
        addRegisterChange({ at: record.createdAt, by: record.createdBy, action: 'added', record });
      },
      async remove(scope, id, by, at) {
        const key = `${scope.toLowerCase()}\u0000${id}`;
        const record = register.get(key);
        if (!record) return false;
        register.delete(key);
        addRegisterChange({ at, by, action: 'removed', record });
        return true;
      },
      async *list() {
        for (const record of [...register.values()]) yield structuredClone(record);
      },
      async history(scope, limit) {
        const wanted = scope.toLowerCase();
        return registerHistory.newest((h) => h.record.scope === wanted, limit);
      },
    },
    settings: {
      async get(subscriptionId) {
        const row = settings.get(subscriptionId.toLowerCase());
        return row && structuredClone(row);
      },
      async put(row) {
        const id = row.subscriptionId.toLowerCase();
        const changeKey = `${id}\u0000${instantKey(row.updatedAt)}`;
        const stored = settings.get(id);
        // A retry of a put that landed (the row already carries its time): its history row knows the mode before it.
        const from = stored && instantKey(stored.updatedAt) === instantKey(row.updatedAt) ? settingsHistory.get(changeKey)?.from : stored?.mode;
        settingsHistory.put(changeKey, { subscriptionId: id, at: row.updatedAt, by: row.updatedBy, ...(from ? { from } : {}), to: row.mode, ...(row.allowedModes ? { allowedModes: row.allowedModes } : {}) });
        settings.set(id, structuredClone({ ...row, subscriptionId: id }));
      },
      async recordBaseline(subscriptionId, baseline, expect) {
        const row = settings.get(subscriptionId.toLowerCase());
        if (!acceptsBaseline(row, expect)) return false;
        settings.set(row.subscriptionId, { ...row, baselineAt: baseline.at, baselineRunId: baseline.runId });
        return true;
      },
      async *list() {
        for (const row of [...settings.values()]) yield structuredClone(row);
      },
      async history(subscriptionId, limit) {
        const wanted = subscriptionId.toLowerCase();
        return settingsHistory.newest((h) => h.subscriptionId === wanted, limit).map(({ subscriptionId: _, ...rest }) => rest);
      },
    },
    leases: {
      async tryAcquire(name, holder, now, ttlMs) {
        const lease = leases.get(name);
        // Held through its last instant, as the Leases table holds it.
        if (lease && lease.holder !== holder && lease.until >= now.getTime()) return false;
        leases.set(name, { holder, until: now.getTime() + ttlMs });
        return true;
      },
      async release(name, holder) {
        if (leases.get(name)?.holder === holder) leases.delete(name);
      },
    },
    sweeps: {
      async createRun(run) {
        const existing = runs.get(run.id);
        const subscriptions = run.subscriptionIds.map((id) => existing?.subscriptions.find((s) => s.subscriptionId === id) ?? pendingRow(id, run.subscriptionNames?.[id.toLowerCase()]));
        runs.set(run.id, { id: run.id, startedAt: run.startedAt, trigger: run.trigger, subscriptions });
      },
      async recordSubscription(runId, result) {
        const run = runs.get(runId);
        if (!run) return;
        run.subscriptions = [...run.subscriptions.filter((s) => s.subscriptionId !== result.subscriptionId), structuredClone(result)];
      },
      async getRun(runId) {
        const run = runs.get(runId);
        return run && structuredClone(run);
      },
      async latestRuns(limit) {
        // Run ids sort newest first as text (see newRunId), ordinally as the table's PartitionKeys do.
        return [...runs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit).map((r) => structuredClone(r));
      },
    },
  };
}

type SettingsChange = { subscriptionId: string; at: string; by: string; from?: Mode; to: Mode; allowedModes?: string[] };
type RegisterChange = { at: string; by: string; action: 'added' | 'removed'; record: ExemptionRecord };

function matches(current: Finding | undefined, expect: RowExpectation): boolean {
  return 'etag' in expect ? current?.etag === expect.etag : current === undefined;
}

/** One row per resource, instant and cause, as the history rows' RowKey makes it. */
function historyKey(entry: HistoryEntry): string {
  return `${entry.key}\u0000${instantKey(entry.at)}\u0000${entry.causeId}`;
}

function pendingRow(subscriptionId: string, subscriptionName: string | undefined): SubscriptionRunRecord {
  return { subscriptionId, status: 'pending', ...(subscriptionName ? { subscriptionName } : {}) };
}
