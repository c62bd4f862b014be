/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Resolves when the user asks a long-running command to stop (SIGINT/SIGTERM). */
  untilStopped: () => Promise<void>;
  readStdin: () => Promise<string>;
  /** Whether stdout is a terminal: colour and progress only then (absent: not a terminal). */
  stdoutIsTTY?: boolean;
  /** Whether stderr is a terminal: progress bars only then (absent: not a terminal). */
  stderrIsTTY?: boolean;
}

export const EXIT = { ok: 0, nonCompliant: 1, usage: 2, environment: 3 } as const;

export class UsageError extends Error {}

/** A `--port` value: 0–65535 (0: any free port). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${value}`);
  return port;
}
