import { readFile } from 'node:fs/promises';
import { checkDelivery } from '../events/index.js';
import { InvalidInputError } from '../errors.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export const EVENTS_CHECK_HELP = `Usage: mtls-enforcer events check <file|->

Print, as JSON, what the enforcer would do with an Event Grid delivery (either schema, one
event or a batch): each event's classification, reason and parsed fields. Touches no Azure.

Example:
  mtls-enforcer events check delivery.json
  cat delivery.json | mtls-enforcer events check -
`;

export async function eventsCheck(args: string[], io: CliIo): Promise<number> {
  const source = args[0];
  if (!source || args.length > 1) throw new UsageError('events check takes exactly one argument: a file path or - for standard input');
  const body = source === '-' ? await io.readStdin() : await readSource(source);
  try {
    io.stdout(`${JSON.stringify(checkDelivery(body), null, 2)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof InvalidInputError) {
      io.stderr(`mtls-enforcer: ${source}: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

async function readSource(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
