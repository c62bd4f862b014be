import { EMULATOR_USAGE, runEmulatorCommand } from '../../tools/arm-emulator/src/emulator/index.js';
import type { CliIo } from './io.js';

export const EMULATOR_HELP = EMULATOR_USAGE;

/** `mtls-enforcer emulator`: the emulator's own command, with the CLI's streams. */
export function emulatorCommand(args: string[], io: CliIo): Promise<number> {
  return runEmulatorCommand(args, io);
}
