import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { COMMAND_NAMES } from '../../src/cli/main.js';
import { cliIo } from '../support/cliIo.js';

const FIXTURE = new URL('../fixtures/eventgrid/sample-slot-write.json', import.meta.url);

const io = (stdin = '', env: Record<string, string> = {}) => cliIo(env, stdin);

/** The commands DESIGN.md and the README document, written out: dropping one must fail a test. */
const DOCUMENTED = ['sweep', 'evaluate', 'events check', 'events replay', 'findings', 'settings', 'exemptions', 'report', 'serve', 'emulator', 'emulator write', 'local', 'rollout'];

describe('mtls-enforcer CLI', () => {
  it('prints help with every command and examples, and exits 0', async () => {
    const cli = io();

    expect(await runCli(['--help'], cli)).toBe(0);
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(DOCUMENTED));
    for (const command of [...DOCUMENTED, ...COMMAND_NAMES]) expect(cli.out).toContain(`  ${command}`);
    expect(cli.out).toMatch(/Examples:\n  \S/);
    expect(cli.out).toContain('Exit codes: 0 ok, 1 non-compliant found (when asked), 2 usage or input error, 3 environment error');
  });

  it('exits 2 on an unknown command', async () => {
    const cli = io();

    expect(await runCli(['frobnicate'], cli)).toBe(2);
    expect(cli.err).toContain("unknown command 'frobnicate'");
  });

  it.each([...new Set([...DOCUMENTED, ...COMMAND_NAMES])])('gives %s --help with a usage line and an example', async (command) => {
    const cli = io();

    expect(await runCli([...command.split(' '), '--help'], cli)).toBe(0);
    expect(cli.out).toMatch(new RegExp(`^Usage: mtls-enforcer ${command}`));
    expect(cli.out).toMatch(/Example:\n  \S/);
    expect(cli.err).toBe('');
  });

  it('classifies a real slot-write delivery from a file without touching Azure', async () => {
    const cli = io();

    const code = await runCli(['events', 'check', FIXTURE.pathname], cli);

    expect(code).toBe(0);
    const result = JSON.parse(cli.out) as { summary: { relevant: number }; events: Array<{ classification: string; target?: { slot?: string } }> };
    expect(result.summary.relevant).toBe(1);
    expect(JSON.stringify(result.events[0])).toContain('canary');
  });

  it('reads a delivery from standard input', async () => {
    const cli = io('[{"id":"1","eventType":"Microsoft.Resources.ResourceActionSuccess","subject":"s","eventTime":"2026-01-01T00:00:00Z","data":{},"dataVersion":"2"}]');

    expect(await runCli(['events', 'check', '-'], cli)).toBe(0);
    expect(JSON.parse(cli.out)).toMatchObject({ summary: { ignored: 1 } });
  });

  it('exits 2 with one clear line for malformed JSON or a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"id": ');
    const cli = io();

    expect(await runCli(['events', 'check', bad], cli)).toBe(2);
    expect(await runCli(['events', 'check', join(dir, 'missing.json')], cli)).toBe(2);
    expect(cli.err.trim().split('\n')).toHaveLength(2);
    expect(cli.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming every bad setting', async () => {
    const cli = io('', { MTLS_ALLOWED_MODES: 'Sometimes' });

    expect(await runCli(['findings'], cli)).toBe(2);
    expect(cli.err).toContain('MTLS_ALLOWED_MODES');
    expect(cli.err).toContain('MTLS_STORAGE_CONNECTION');
  });

  it('rejects settings set with a bad subscription id or mode before touching storage', async () => {
    const env = { MTLS_STORAGE_CONNECTION: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1' };
    const badId = io('', env);
    const badMode = io('', env);

    expect(await runCli(['settings', 'set', 'not-a-guid', '--mode', 'enforce'], badId)).toBe(2);
    expect(await runCli(['settings', 'set', '00000000-0000-0000-0000-000000000001', '--mode', 'sometimes'], badMode)).toBe(2);
    expect(badId.err).toContain('GUID');
    expect(badMode.err).toContain('off, audit, enforce');
  });
});
