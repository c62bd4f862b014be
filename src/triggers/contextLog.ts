import type { InvocationContext } from '@azure/functions';
import type { Log } from '../enforcer/index.js';

/** Route use-case logs to the invocation, so Application Insights correlates them with the trigger. */
export function contextLog(context: InvocationContext): Log {
  return (level, message, fields) => {
    const args = fields ? [message, fields] : [message];
    if (level === 'error') context.error(...args);
    else if (level === 'warn') context.warn(...args);
    else context.log(...args);
  };
}
