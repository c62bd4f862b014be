/** The development commands the product's CLI loads from this package when it is there (see src/cli/devCommands.ts). */
import type { DevCommands } from '../../../../src/cli/index.js';
import { EMULATOR_USAGE, EMULATOR_WRITE_USAGE, runEmulatorCommand, runEmulatorWrite } from '../emulator/index.js';
import { local, LOCAL_HELP } from './local.js';

export const DEV_COMMANDS: DevCommands = {
  emulator: { run: runEmulatorCommand, help: EMULATOR_USAGE },
  'emulator write': { run: runEmulatorWrite, help: EMULATOR_WRITE_USAGE },
  local: { run: local, help: LOCAL_HELP },
};
