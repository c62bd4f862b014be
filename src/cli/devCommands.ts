import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, type CliIo } from './io.js';

/** A command with its help, as the development package provides it. */
export interface DevCommand {
  run: (args: string[], io: CliIo) => Promise<number>;
  help: string;
}

export type DevCommandName = 'emulator' | 'emulator write' | 'local';
export type DevCommands = Record<DevCommandName, DevCommand>;

/**
 * `emulator`, `emulator write` and `local` live in the repository's development package
 * (tools/arm-emulator: the ARM emulator, local mode, Azurite), which the npm package and the
 * Function App zip leave out. It is looked up beside this module with this module's own extension:
 * dist/tools/... after `npm run build`, tools/....ts when the CLI runs from its sources (tsx, vitest).
 * The path is built at run time, so the product's build never compiles the package in.
 */
export const DEV_COMMANDS_ENTRY = new URL(`../../tools/arm-emulator/src/cli/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** What an installation without the development package says instead of a stack trace. */
function notInstalledMessage(name: DevCommandName): string {
  return `mtls-enforcer: '${name}' is a development command and is not part of this installation.
The ARM emulator and local mode live in the repository's development package (tools/arm-emulator),
which the npm package and the Function App zip leave out. From a clone of the repository:
  npm install && npm start             # local mode; npm run build compiles the package into dist/tools
  node bin/mtls-enforcer.js ${name} --help
`;
}

/** The CLI's entry for a development command: runs it (or prints its help) from the package, or says how to get it (exit 3). */
export function devCommand(name: DevCommandName, entry: URL = DEV_COMMANDS_ENTRY): (args: string[], io: CliIo) => Promise<number> {
  return async (args, io) => {
    const commands = await loadDevCommands(entry);
    if (!commands) {
      io.stderr(notInstalledMessage(name));
      return EXIT.environment;
    }
    const command = commands[name];
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout(command.help);
      return EXIT.ok;
    }
    return command.run(args, io);
  };
}

async function loadDevCommands(entry: URL): Promise<DevCommands | undefined> {
  if (!existsSync(fileURLToPath(entry))) return undefined;
  const loaded = (await import(entry.href)) as { DEV_COMMANDS?: DevCommands };
  return loaded.DEV_COMMANDS;
}
