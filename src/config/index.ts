export { loadConfig, ConfigError, type Config, type Mode, type RemediationConfig, type RolloutConfig } from './load.js';
export { SETTINGS, type SettingDoc } from './settings.js';
export { NOTIFICATION_KINDS, type NotifyChannel } from './notifySchema.js';
export { API_ROLES, normaliseThumbprint, pemBlocks, type ApiAccessConfig, type ApiRole } from './apiSchema.js';
