import { accessSync, constants } from 'node:fs';
import { loadConfig, type Config } from '../config/index.js';
import { silentLog, type EnforcerDeps } from '../enforcer/index.js';
import { createRuntime } from '../triggers/index.js';
import { UsageError, type CliIo } from './io.js';

const STORAGE_SETTINGS = ['MTLS_STORAGE_CONNECTION', 'MTLS_STORAGE_TABLE_URL', 'AzureWebJobsStorage'] as const;

/** Whether any storage setting is given (the tables hold modes, exemptions and findings). */
export function hasStorage(env: CliIo['env']): boolean {
  return storageSettingName(env) !== undefined;
}

/** The storage setting that is given, for naming it in errors. */
export function storageSettingName(env: CliIo['env']): string | undefined {
  return STORAGE_SETTINGS.find((name) => env[name]?.trim());
}

/**
 * The validated configuration for a CLI command. With `storage: 'optional'` a command that can
 * run without the tables (evaluate, sweep --no-store) gets every other setting checked as usual.
 */
export function configFor(io: CliIo, options: { storage: 'required' | 'optional' } = { storage: 'required' }): Config {
  const config = loadConfig(io.env, { requireStorage: options.storage === 'required' });
  const ca = config.arm.caCertPath;
  if (ca) {
    try {
      accessSync(ca, constants.R_OK);
    } catch (err) {
      throw new UsageError(`MTLS_ARM_CA_CERT_PATH: cannot read ${ca} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return config;
}

/** The use-case deps for a CLI command, from the command's environment. */
export async function depsFor(io: CliIo): Promise<EnforcerDeps> {
  return (await createRuntime(configFor(io), silentLog)).deps;
}

/** Who runs the CLI, for history: MTLS_ACTOR if set, else the OS user. */
export function cliActor(io: CliIo): string {
  return io.env.MTLS_ACTOR ?? `cli:${io.env.USER ?? io.env.USERNAME ?? 'unknown'}`;
}
