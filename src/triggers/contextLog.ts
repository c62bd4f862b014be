import type { InvocationContext } from '@azure/functions';
import type { Log } from '../enforcer/index.js';
import { logLine } from './telemetry.js';

/**
 * Route use-case logs to the invocation, so Application Insights correlates them with the trigger;
 * the fields go into the line as JSON (see telemetry.ts), where the alert queries read them.
 */
export function contextLog(context: InvocationContext): Log {
  return (level, message, fields) => {
    const line = logLine(message, fields);
    if (level === 'error') context.error(line);
    else if (level === 'warn') context.warn(line);
    else context.log(line);
  };
}
