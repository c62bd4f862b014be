import type { TokenCredential } from '@azure/core-auth';
import type { ExemptionRegisterPort, ExemptionsPort, HistoryPort, LeasesPort, ProcessedEventsPort, SettingsPort, SweepsPort } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { createExemptionRegister } from './exemptionRegisterTable.js';
import { createExemptionsTable } from './exemptionsTable.js';
import { createFindingsTable, type FindingsStore } from './findingsTable.js';
import { createNotifyOutbox, type NotifyOutbox } from './notifyOutbox.js';
import { createFindingHistory } from './findingHistory.js';
import { createLeasesTable } from './leasesTable.js';
import { createSweepsTable } from './sweepsTable.js';
import { createRolloutsTable } from './rolloutsTable.js';
import type { RolloutsPort } from '../model/index.js';
import { createProcessedEventsTable } from './processedEventsTable.js';
import { createSettingsTable } from './settingsTable.js';
import { createTableOpener } from './tableAccess.js';
import { tableNames, type TableNames } from './tableNames.js';

export interface TableStoreOptions {
  /** Storage connection string; Azurite on a non-default port needs the full devstoreaccount1 form. */
  connectionString?: string;
  /** `https://{account}.table.core.windows.net`, with `credential` (managed identity in Azure). */
  accountUrl?: string;
  credential?: TokenCredential;
  /** Tables are `{prefix}Findings`, `{prefix}Settings`, ...: letters and digits. */
  prefix?: string;
  /** Required for http:// endpoints (Azurite); never set it for a real account. */
  allowInsecureConnection?: boolean;
  /** Per HTTP attempt (default 5 s); refused connections and 5xx get two quick retries, timeouts none. */
  requestTimeoutMs?: number;
  /** Write notification outbox rows with the changes (only when a channel is configured: nothing else deletes them). */
  outbox?: boolean;
}

export interface TableStore {
  findings: FindingsStore;
  history: HistoryPort;
  processedEvents: ProcessedEventsPort;
  /** Read side of the register, for evaluation. */
  exemptions: ExemptionsPort;
  /** Write side of the same register (CLI, HTTP API), with its history. */
  exemptionRegister: ExemptionRegisterPort;
  settings: SettingsPort;
  leases: LeasesPort;
  sweeps: SweepsPort;
  rollouts: RolloutsPort;
  /** Notifications written with the findings' changes, and the sender's state (Findings table). */
  notifyOutbox: NotifyOutbox;
  tables: TableNames;
}

/**
 * The Table Storage adapters behind the enforcer's ports. Checks the options now; creates SDK
 * clients and tables only when a table is first used, so a cold start pays for what it touches.
 */
export function createTableStore(options: TableStoreOptions): TableStore {
  if (!options.connectionString && !(options.accountUrl && options.credential)) {
    throw new InvalidInputError('Table Storage needs a connection string, or an account URL and a credential');
  }
  const tables = tableNames(options.prefix);
  const open = createTableOpener(options);
  const register = open(tables.exemptions);
  // History rows live beside their findings, so one transaction writes a finding and its row.
  const findings = open(tables.findings);
  return {
    findings: createFindingsTable(findings, { outbox: options.outbox === true }),
    history: createFindingHistory(findings),
    processedEvents: createProcessedEventsTable(open(tables.processedEvents)),
    exemptions: createExemptionsTable(register),
    exemptionRegister: createExemptionRegister(register, open(tables.exemptionHistory)),
    settings: createSettingsTable(open(tables.settings), open(tables.settingsHistory)),
    leases: createLeasesTable(open(tables.leases)),
    sweeps: createSweepsTable(open(tables.sweeps)),
    rollouts: createRolloutsTable(open(tables.rollouts)),
    notifyOutbox: createNotifyOutbox(findings),
    tables,
  };
}
