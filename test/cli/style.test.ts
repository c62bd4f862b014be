import { describe, expect, it } from 'vitest';
import { colourEnabled, paint } from '../../src/cli/style.js';
import type { CliIo } from '../../src/cli/index.js';
import { cliIo } from '../support/cliIo.js';

const terminal = (env: Record<string, string> = {}): CliIo => Object.assign(cliIo(env), { stdoutIsTTY: true });
const ESC = '\u001b';

describe('colour', () => {
  it('colours output to a terminal', () => {
    expect(colourEnabled(terminal())).toBe(true);
    expect(paint(terminal(), 'red', 'non-compliant')).toBe(`${ESC}[31mnon-compliant${ESC}[0m`);
  });

  it('honours NO_COLOR set to anything non-empty, as no-color.org says', () => {
    expect(paint(terminal({ NO_COLOR: '1' }), 'red', 'x')).toBe('x');
    expect(paint(terminal({ NO_COLOR: 'false' }), 'red', 'x')).toBe('x');
    expect(colourEnabled(terminal({ NO_COLOR: '' }))).toBe(true);
  });

  it('writes plain text when stdout is not a terminal (pipes, files, tests)', () => {
    expect(paint(cliIo(), 'green', 'compliant')).toBe('compliant');
    expect(paint(Object.assign(cliIo(), { stdoutIsTTY: false }), 'green', 'compliant')).toBe('compliant');
  });
});
