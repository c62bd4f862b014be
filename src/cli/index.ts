export { runCli, MAIN_HELP } from './main.js';
export { processIo } from './processIo.js';
export { EXIT, type CliIo } from './io.js';
