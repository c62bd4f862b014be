import type { CliIo } from './io.js';

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof CODES;

/**
 * Whether output may carry colour: only to a terminal, and never when NO_COLOR is set to
 * anything non-empty (https://no-color.org). Pipes, files and tests get plain text.
 */
export function colourEnabled(io: CliIo): boolean {
  const noColor = io.env.NO_COLOR;
  return io.stdoutIsTTY === true && (noColor === undefined || noColor === '');
}

/** `text` in `colour` when colour is enabled, unchanged otherwise. */
export function paint(io: CliIo, colour: Colour, text: string): string {
  return colourEnabled(io) ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}
