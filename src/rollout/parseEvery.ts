import { InvalidInputError } from '../errors.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000 } as const;

/** `7d` or `12h` → milliseconds (the time between two waves). */
export function parseEvery(text: string): number {
  const m = /^\s*(\d{1,4})\s*([dh])\s*$/i.exec(text);
  const n = m ? Number(m[1]) : 0;
  if (!m || n < 1) throw new InvalidInputError(`--every must be a whole number of days or hours, e.g. 7d or 12h; got ${JSON.stringify(text)}`);
  return n * UNIT_MS[(m[2] as string).toLowerCase() as keyof typeof UNIT_MS];
}
