export { loadConfig, ConfigError, type Config, type Mode, type RemediationConfig } from './load.js';
export { DEFAULT_PLAN_PACE, DEFAULT_ROLLOUT, type RolloutConfig } from './rollout.js';
export { SETTINGS, type SettingDoc } from './settings.js';
export { NOTIFICATION_KINDS, type NotifyChannel } from './notifySchema.js';
export { API_ROLES, normaliseThumbprint, pemBlocks, type ApiAccessConfig, type ApiRole } from './apiSchema.js';
