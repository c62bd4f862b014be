import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./cliEntry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

/** `mtls-enforcer <args>` as a separate process, from the sources, with exactly `env` (plus PATH). */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildCli {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: ROOT,
    env: { ...inherited(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Wait until `predicate` holds on the output, failing with what was printed if the process exits or time runs out. */
export async function waitForOutput<T>(cli: ChildCli, pick: (stdout: string) => T | undefined, timeoutMs: number): Promise<T> {
  const started = Date.now();
  let exited: number | string | undefined;
  void cli.exited.then((code) => (exited = code));
  for (;;) {
    const found = pick(cli.stdout());
    if (found !== undefined) return found;
    if (exited !== undefined) throw new Error(`exited (${exited}) before ready:\n${cli.stdout()}\n${cli.stderr()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms:\n${cli.stdout()}\n${cli.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Only what a process needs to run: no AZURE_* or MTLS_* from the developer's shell leaks into a test. */
function inherited(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
