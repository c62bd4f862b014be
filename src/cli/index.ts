export { runCli, MAIN_HELP } from './main.js';
export { processIo } from './processIo.js';
export { EXIT, parsePort, UsageError, type CliIo } from './io.js';
export { consoleLog } from './consoleLog.js';
export { paint } from './style.js';
export type { DevCommand, DevCommandName, DevCommands } from './devCommands.js';
