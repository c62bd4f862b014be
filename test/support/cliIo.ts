import type { CliIo } from '../../src/cli/index.js';

/** CLI streams captured in memory, for calling `runCli` in tests. */
export function cliIo(env: Record<string, string | undefined> = {}, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    untilStopped: async () => undefined,
    readStdin: async () => stdin,
  };
  return io;
}

/** Run the CLI in-process with `env`; its exit code and what it wrote. */
export async function runCaptured(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const { runCli } = await import('../../src/cli/index.js');
  const io = cliIo(env);
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}
