import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEV_COMMANDS_ENTRY, devCommand } from '../../src/cli/devCommands.js';
import { cliIo } from '../support/cliIo.js';

/** Where an installation without the development package (npm install of the tarball) finds nothing. */
const ABSENT = new URL('./no-such-package/src/cli/index.ts', import.meta.url);

describe('development commands (emulator, emulator write, local) come from tools/arm-emulator', () => {
  it('finds the package beside the sources in a clone', () => {
    expect(fileURLToPath(DEV_COMMANDS_ENTRY).replaceAll('\\', '/')).toMatch(/\/tools\/arm-emulator\/src\/cli\/index\.ts$/);
    expect(existsSync(DEV_COMMANDS_ENTRY)).toBe(true);
  });

  it.each([
    ['local', ['--ready-json']],
    ['emulator', ['--port', '0']],
    ['emulator write', ['/subscriptions/x', '--url', 'https://127.0.0.1:1']],
    ['local', ['--help']],
  ] as const)('without the package, %s %j says how to get it (exit 3, one message, no stack)', async (name, args) => {
    const io = cliIo();

    expect(await devCommand(name, ABSENT)([...args], io)).toBe(3);
    expect(io.out).toBe('');
    expect(io.err).toContain(`'${name}' is a development command and is not part of this installation`);
    expect(io.err).toContain('tools/arm-emulator');
    expect(io.err).toContain('npm install && npm start');
    expect(io.err).not.toMatch(/\n\s+at /);
  });

  it('with the package, prints its help', async () => {
    const io = cliIo();

    expect(await devCommand('emulator write')(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/^Usage: mtls-enforcer emulator write <resourceId>/);
  });
});
