export { loadConfig, ConfigError, type Config } from './load.js';
export { SETTINGS, type SettingDoc } from './settings.js';
