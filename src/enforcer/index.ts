export type { EnforcerDeps, Log, LogLevel } from './deps.js';
export { silentLog } from './deps.js';
export { onSiteWrite, type EventOutcome } from './onSiteWrite.js';
export { recordEvaluation, type Cause, type Recorded } from './recordEvaluation.js';
export type { SiteReader, FindingsPort, HistoryPort, ProcessedEventsPort, ExemptionsPort } from './ports.js';
