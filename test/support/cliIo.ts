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
