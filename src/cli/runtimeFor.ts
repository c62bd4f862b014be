import { loadConfig } from '../config/index.js';
import { silentLog, type EnforcerDeps } from '../enforcer/index.js';
import { createRuntime } from '../triggers/index.js';
import type { CliIo } from './io.js';

/** The use-case deps for a CLI command, from the command's environment. */
export async function depsFor(io: CliIo): Promise<EnforcerDeps> {
  return (await createRuntime(loadConfig(io.env), silentLog)).deps;
}

/** Who runs the CLI, for history: MTLS_ACTOR if set, else the OS user. */
export function cliActor(io: CliIo): string {
  return io.env.MTLS_ACTOR ?? `cli:${io.env.USER ?? io.env.USERNAME ?? 'unknown'}`;
}
