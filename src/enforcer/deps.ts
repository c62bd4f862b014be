import type { RemediationConfig, RolloutConfig } from '../config/index.js';
import type { Policy } from '../policy/index.js';
import type {
  ExemptionRegisterPort,
  ExemptionsPort,
  FindingsPort,
  HistoryPort,
  LeasesPort,
  ProcessedEventsPort,
  SettingsPort,
  SiteReader,
  SiteWriter,
  SweepsPort,
} from '../model/index.js';
import type { RolloutsPort } from '../model/index.js';
import type { ReportStorePort, RunNoticePort } from './reportPorts.js';

export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** Everything a use case needs, passed in so Functions, the local host, the CLI and tests share it. */
export interface EnforcerDeps {
  sites: SiteReader;
  findings: FindingsPort;
  history: HistoryPort;
  processedEvents: ProcessedEventsPort;
  exemptions: ExemptionsPort;
  policy: Policy;
  /** PATCHes client-cert fields (remediation). */
  writer: SiteWriter;
  settings: SettingsPort;
  /** The exemption register (writes); `exemptions` reads it for evaluation. */
  register: ExemptionRegisterPort;
  leases: LeasesPort;
  sweeps: SweepsPort;
  /** Rollout plans, their waves and members (table `Rollouts`); absent where deps are built for the event path alone. */
  rollouts?: RolloutsPort;
  /** How rollout waves are paced and when they pause (absent: the defaults). */
  rollout?: RolloutConfig;
  remediation: RemediationConfig;
  /** Stored sweep reports (Blob Storage); absent where no blob service is configured (memory runs, event-path-only deps). */
  reports?: ReportStorePort;
  /** Notices of finished sweep runs (the notification outbox); absent where nothing notifies. */
  notices?: RunNoticePort;
  clock: () => Date;
  newId: () => string;
  log: Log;
}

export const silentLog: Log = () => {};
