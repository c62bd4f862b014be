export { createTableStore, type TableStore, type TableStoreOptions } from './createTableStore.js';
export type { FindingsStore, PutManyResult } from './findingsTable.js';
export { encodeKey, decodeKey, MAX_KEY_LENGTH } from './encodeKey.js';
export { tableNames, type TableNames } from './tableNames.js';
export { mapTableError } from './mapTableError.js';
export { toExemptionEntity, exemptionScopes, type ExemptionRecord } from './exemptionEntity.js';
export type { Finding, FindingSource, HistoryEntry } from './types.js';
