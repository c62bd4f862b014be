import { InvalidInputError, PermissionError } from '../errors.js';
import { emulatorCommand, EMULATOR_HELP } from './emulatorCommand.js';
import { evaluateCommand, EVALUATE_HELP } from './evaluate.js';
import { eventsCheck, EVENTS_CHECK_HELP } from './eventsCheck.js';
import { findings, FINDINGS_HELP } from './findings.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { exemptions, EXEMPTIONS_HELP } from './exemptions.js';
import { local, LOCAL_HELP } from './local.js';
import { report, REPORT_HELP } from './report.js';
import { serve, SERVE_HELP } from './serve.js';
import { settings, SETTINGS_HELP } from './settings.js';
import { sweep, SWEEP_HELP } from './sweep.js';

export const MAIN_HELP = `Usage: mtls-enforcer <command> [options]

Keeps every Azure App Service app and slot requiring client certificates (mTLS).

Commands:
  events check <file|->   classify an Event Grid delivery, print JSON (no Azure)
  findings [--json]       list current findings from Table Storage
  sweep --subscription id  sweep subscriptions inline and print a report
  evaluate <resourceId>   judge one site or slot as the enforcer would (read-only)
  report [--run id]       render a sweep run's report (json, csv, markdown, html)
  settings list|get|set   per-subscription mode (off, audit, enforce)
  exemptions list|add|remove   the exemption register
  serve [--port n]        run the local host (Event Grid webhook, findings API)
  emulator [--port n]     run the ARM emulator (local development and tests)
  local                   the whole product locally (what npm start runs)

Run 'mtls-enforcer <command> --help' for a command's options and an example.
Exit codes: 0 ok, 1 non-compliant found (when asked), 2 usage or input error, 3 environment error.
`;

type Command = { run: (args: string[], io: CliIo) => Promise<number>; help: string };

const COMMANDS: Record<string, Command> = {
  'events check': { run: eventsCheck, help: EVENTS_CHECK_HELP },
  findings: { run: findings, help: FINDINGS_HELP },
  serve: { run: serve, help: SERVE_HELP },
  sweep: { run: sweep, help: SWEEP_HELP },
  evaluate: { run: evaluateCommand, help: EVALUATE_HELP },
  report: { run: report, help: REPORT_HELP },
  settings: { run: settings, help: SETTINGS_HELP },
  exemptions: { run: exemptions, help: EXEMPTIONS_HELP },
  emulator: { run: emulatorCommand, help: EMULATOR_HELP },
  local: { run: local, help: LOCAL_HELP },
};

/** Run the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    const wantsHelp = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help';
    (wantsHelp ? io.stdout : io.stderr)(wantsHelp ? MAIN_HELP : `mtls-enforcer: unknown command '${argv.join(' ')}'\n\n${MAIN_HELP}`);
    return wantsHelp ? EXIT.ok : EXIT.usage;
  }
  const [command, args] = found;
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function findCommand(argv: string[]): [Command, string[]] | undefined {
  const two = COMMANDS[argv.slice(0, 2).join(' ')];
  if (two && argv.length >= 2) return [two, argv.slice(2)];
  const one = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  return one ? [one, argv.slice(1)] : undefined;
}

function reportError(err: unknown, io: CliIo): number {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UsageError || err instanceof InvalidInputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`mtls-enforcer: ${message}\n`);
    return EXIT.usage;
  }
  if (err instanceof PermissionError) {
    io.stderr(`mtls-enforcer: ${message}\n`);
    return EXIT.environment;
  }
  io.stderr(`mtls-enforcer: ${message}\n`);
  return EXIT.environment;
}
