import type { Report } from './types.js';

/** Pretty JSON; stable because buildReport fixes the order of every key and list. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
