import type { Log } from '../enforcer/index.js';
import type { CliIo } from './io.js';

/** One line per log record, on stderr, so stdout stays data. */
export function consoleLog(io: CliIo): Log {
  return (level, message) => io.stderr(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
}
