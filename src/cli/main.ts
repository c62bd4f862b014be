import { explainAzureError, type ExplainContext } from '../azure/index.js';
import { InvalidInputError } from '../errors.js';
import { devCommand } from './devCommands.js';
import { evaluateCommand, EVALUATE_HELP } from './evaluate.js';
import { eventsCheck, EVENTS_CHECK_HELP } from './eventsCheck.js';
import { eventsReplay, EVENTS_REPLAY_HELP } from './eventsReplay.js';
import { findings, FINDINGS_HELP } from './findings.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { exemptions, EXEMPTIONS_HELP } from './exemptions.js';
import { configFor, storageSettingName } from './runtimeFor.js';
import { report, REPORT_HELP } from './report.js';
import { notifyTest, NOTIFY_TEST_HELP } from './notifyTest.js';
import { rollout, ROLLOUT_HELP } from './rollout.js';
import { serve, SERVE_HELP } from './serve.js';
import { settings, SETTINGS_HELP } from './settings.js';
import { sweep, SWEEP_HELP } from './sweep.js';

export const MAIN_HELP = `Usage: mtls-enforcer <command> [options]

Keeps every Azure App Service app and slot requiring client certificates (mTLS).

Commands:
  events check <file|->   classify an Event Grid delivery, print JSON (no Azure)
  events replay           put poison-queue events back on the event queue (after an outage)
  findings [--json]       list current findings from Table Storage
  sweep [--subscription id]  sweep subscriptions inline and print a report
  evaluate <resourceId>   judge one site or slot as the enforcer would (read-only)
  report [--run id]       render a sweep run's report (json, csv, markdown, html; --upload stores it)
  notify test             send each notification channel a sample of each kind
  settings list|get|set   per-subscription mode (off, audit, enforce)
  exemptions list|add|remove   the exemption register
  rollout plan|list|show|apply  fix baseline debt in dated waves (pause|resume|cancel a plan)
  serve [--port n]        run the local host (Event Grid webhook, findings API)
  emulator [--port n]     run the ARM emulator (local development and tests; from a clone)
  emulator write <id>     change a site on a running emulator as a user would (cause drift)
  local                   the whole product locally (what npm start runs; from a clone)

Examples:
  npm start                                    # the whole product locally (mtls-enforcer local)
  mtls-enforcer evaluate /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>
  mtls-enforcer sweep --subscription <id> --format html --out report.html

Run 'mtls-enforcer <command> --help' for a command's options and an example.
Exit codes: 0 ok, 1 non-compliant found (when asked), 2 usage or input error, 3 environment error.
Errors are one line on stderr; --verbose (or MTLS_DEBUG=1) adds the stack and causes.
NO_COLOR (or output that is not a terminal) turns colour off.
`;

/** Without `help`, the command answers --help itself (the development commands: their help comes with them). */
type Command = { run: (args: string[], io: CliIo) => Promise<number>; help?: string };

const COMMANDS: Record<string, Command> = {
  'events check': { run: eventsCheck, help: EVENTS_CHECK_HELP },
  'events replay': { run: eventsReplay, help: EVENTS_REPLAY_HELP },
  findings: { run: findings, help: FINDINGS_HELP },
  serve: { run: serve, help: SERVE_HELP },
  sweep: { run: sweep, help: SWEEP_HELP },
  evaluate: { run: evaluateCommand, help: EVALUATE_HELP },
  report: { run: report, help: REPORT_HELP },
  'notify test': { run: notifyTest, help: NOTIFY_TEST_HELP },
  rollout: { run: rollout, help: ROLLOUT_HELP },
  settings: { run: settings, help: SETTINGS_HELP },
  exemptions: { run: exemptions, help: EXEMPTIONS_HELP },
  emulator: { run: devCommand('emulator') },
  'emulator write': { run: devCommand('emulator write') },
  local: { run: devCommand('local') },
};

/** Every command's name, e.g. for checking that each has help with an example. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** Run the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const verbose = argv.includes('--verbose') || io.env.MTLS_DEBUG === '1';
  const rest = argv.filter((a) => a !== '--verbose');
  const found = findCommand(rest);
  if (!found) {
    const wantsHelp = rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help';
    (wantsHelp ? io.stdout : io.stderr)(wantsHelp ? MAIN_HELP : `mtls-enforcer: unknown command '${rest.join(' ')}'\n\n${MAIN_HELP}`);
    return wantsHelp ? EXIT.ok : EXIT.usage;
  }
  const [command, args] = found;
  if (command.help !== undefined && (args.includes('--help') || args.includes('-h'))) {
    io.stdout(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    return reportError(err, io, verbose);
  }
}

function findCommand(argv: string[]): [Command, string[]] | undefined {
  const two = COMMANDS[argv.slice(0, 2).join(' ')];
  if (two && argv.length >= 2) return [two, argv.slice(2)];
  const one = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  return one ? [one, argv.slice(1)] : undefined;
}

/** Every failure leaves as one line on stderr (the fix included when known) and an exit code. */
function reportError(err: unknown, io: CliIo, verbose: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  const usage = err instanceof UsageError || err instanceof InvalidInputError || isParseArgsError(err);
  const explained = usage ? undefined : explainAzureError(err, explainContext(io));
  io.stderr(`mtls-enforcer: ${explained ?? message}\n`);
  if (verbose) io.stderr(details(err));
  else if (!usage && !explained) io.stderr('(run again with --verbose or MTLS_DEBUG=1 for details)\n');
  return usage ? EXIT.usage : EXIT.environment;
}

/** The ARM endpoint and storage setting in use, for naming them in an explanation. */
function explainContext(io: CliIo): ExplainContext {
  const storageSetting = storageSettingName(io.env);
  try {
    return { armEndpoint: configFor(io, { storage: 'optional' }).arm.endpoint, ...(storageSetting ? { storageSetting } : {}) };
  } catch {
    return storageSetting ? { storageSetting } : {};
  }
}

function details(err: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 10; depth++) {
    lines.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) lines.push('caused by:');
  }
  return `${lines.join('\n')}\n`;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
