export { loadConfig, ConfigError, type Config, type Mode, type RemediationConfig, type RolloutConfig } from './load.js';
export { SETTINGS, type SettingDoc } from './settings.js';
