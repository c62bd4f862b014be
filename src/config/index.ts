export { loadConfig, ConfigError, type Config, type Mode, type RemediationConfig } from './load.js';
export { SETTINGS, type SettingDoc } from './settings.js';
