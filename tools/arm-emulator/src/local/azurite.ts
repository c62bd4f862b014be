import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type AzuriteService = 'blob' | 'queue' | 'table';
export type AzuriteOptions = Partial<Record<AzuriteService, boolean>> & {
  /**
   * Keep the data on disk in this folder (the caller's to remove), so it survives `stop()` and
   * `start()`: a storage outage, not a wipe. Stopping then closes Azurite gracefully (it saves).
   * Default: in memory.
   */
  location?: string;
};

/** A running (or stopped, restartable) Azurite; URL getters throw for services not started. */
export interface Azurite {
  readonly accountName: 'devstoreaccount1';
  readonly accountKey: string;
  readonly services: readonly AzuriteService[];
  readonly ports: Readonly<Partial<Record<AzuriteService, number>>>;
  readonly tableUrl: string;
  readonly queueUrl: string;
  readonly blobUrl: string;
  /** Full devstoreaccount1 string with explicit endpoints (port 10002 is not assumed anywhere). */
  readonly connectionString: string;
  readonly running: boolean;
  /** Kills the processes (their whole group) and waits until they have exited. Idempotent. */
  stop(): Promise<void>;
  /** Starts again on the same ports after `stop()`; in memory all data is gone, with `location` it is kept. */
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** Azurite's documented well-known development key: public, not a secret. */
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const ACCOUNT = 'devstoreaccount1';
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;
const ORDER: readonly AzuriteService[] = ['blob', 'queue', 'table'];

/**
 * Runs in the child before Azurite: the child exits when its stdin closes, i.e. when the test
 * process dies for any reason (even SIGKILL), so a crashed run leaves no Azurite behind.
 */
const WATCHDOG = [
  'const [bin, ...rest] = process.argv.slice(1);',
  'process.argv = [process.argv[0], bin, ...rest];',
  "process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();",
  'require(bin);',
].join('\n');

/** Starts Azurite from the project's own devDependency, one process per service, on free ports. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const chosen = ORDER.filter((s) => options[s]);
  const azurite = new AzuriteProcesses(chosen.length > 0 ? chosen : ORDER, options.location);
  await azurite.start();
  return azurite;
}

class AzuriteProcesses implements Azurite {
  readonly accountName = ACCOUNT;
  readonly accountKey = AZURITE_ACCOUNT_KEY;
  readonly ports: Partial<Record<AzuriteService, number>> = {};
  private children: ChildProcess[] = [];
  private workDir: string | undefined;

  constructor(
    readonly services: readonly AzuriteService[],
    private readonly location?: string,
  ) {}

  get tableUrl(): string { return this.url('table'); }
  get queueUrl(): string { return this.url('queue'); }
  get blobUrl(): string { return this.url('blob'); }
  get running(): boolean { return this.children.length > 0; }
  get connectionString(): string {
    const endpoints = this.services.map((s) => `${s[0]?.toUpperCase()}${s.slice(1)}Endpoint=${this.url(s)}`);
    return [`DefaultEndpointsProtocol=http`, `AccountName=${ACCOUNT}`, `AccountKey=${AZURITE_ACCOUNT_KEY}`, ...endpoints].join(';') + ';';
  }

  async start(): Promise<void> {
    if (this.running) return;
    const dir = this.location ?? (this.workDir = await mkdtemp(join(tmpdir(), 'azurite-')));
    const started = await Promise.allSettled(this.services.map((s) => startService(s, this.ports, dir, !!this.location)));
    this.children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  async stop(): Promise<void> {
    const stopping = this.children;
    this.children = [];
    // On disk, Azurite saves on a graceful close (its autosave runs only every 5 s).
    if (this.location) await Promise.all(stopping.map(closeGracefully));
    await Promise.all(stopping.map(killAndWait));
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
    this.workDir = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private url(service: AzuriteService): string {
    const port = this.ports[service];
    if (port === undefined) throw new Error(`Azurite ${service} service was not requested`);
    return `http://${HOST}:${port}/${ACCOUNT}`;
  }
}

/**
 * Starts one service. A port picked beforehand can be taken by someone else before Azurite
 * binds it, so a first start retries with a fresh port; a restart keeps its port and retries
 * briefly in case the old socket is not released yet.
 */
async function startService(service: AzuriteService, ports: Partial<Record<AzuriteService, number>>, dir: string, onDisk: boolean): Promise<ChildProcess> {
  const fixed = ports[service] !== undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = ports[service] ?? (await freePort());
    try {
      const child = await spawnService(service, port, dir, onDisk);
      ports[service] = port;
      return child;
    } catch (err) {
      lastError = err;
      if (!String(err).includes('EADDRINUSE')) throw err;
      if (fixed) await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw lastError;
}

async function spawnService(service: AzuriteService, port: number, dir: string, onDisk: boolean): Promise<ChildProcess> {
  const bin = join(azuriteRoot(), 'dist', 'src', service, 'main.js');
  const persistence = onDisk ? ['--location', dir] : ['--inMemoryPersistence'];
  const args = [`--${service}Host`, HOST, `--${service}Port`, String(port), ...persistence, '--disableTelemetry', '--skipApiVersionCheck', '--loose', '--silent'];
  const child = spawn(process.execPath, ['-e', WATCHDOG, bin, ...args], { cwd: dir, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  unref(child);
  try {
    await waitReady(child, port, service);
    return child;
  } catch (err) {
    await killAndWait(child);
    throw err;
  }
}

/** Ready once Azurite says it listens and a TCP connect succeeds; fails fast if it exits first. */
function waitReady(child: ChildProcess, port: number, service: AzuriteService): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      for (const stream of [child.stdout, child.stderr]) stream?.off('data', onData).resume(); // keep draining
      if (err) reject(err);
      else resolve();
    };
    const fail = (why: string): void => done(new Error(`Azurite ${service} on port ${port} ${why}: ${output.slice(-2000)}`));
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-8000);
      if (!/successfully (started|listen)/i.test(output)) return;
      probe(port).then(() => done(), (err: Error) => fail(`is not reachable (${err.message})`));
      for (const stream of [child.stdout, child.stderr]) stream?.off('data', onData).resume();
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited early (${signal ?? code})`);
    const timer = setTimeout(() => fail(`did not start within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function probe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is gone already or was never created: kill the leader itself
  }
}

/**
 * SIGINT, then wait (up to 10 s) for Azurite to say it closed, which is when it has saved its
 * database. The watchdog keeps the process alive after that: killAndWait ends it.
 */
async function closeGracefully(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  let onData: ((chunk: Buffer) => void) | undefined;
  const closed = new Promise<void>((resolve) => {
    let output = '';
    onData = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
      if (/successfully closed/i.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => resolve());
    timer = setTimeout(resolve, 10_000);
  });
  child.kill('SIGINT');
  await closed;
  clearTimeout(timer);
  if (onData) for (const stream of [child.stdout, child.stderr]) stream?.off('data', onData);
}

/** SIGKILL on purpose: in memory there is nothing to save, and a graceful close waits on keep-alive sockets. */
async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // The timer also keeps the event loop alive while waiting: the child itself is unref'd.
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<void>((resolve, reject) => {
    child.once('exit', () => resolve());
    timer = setTimeout(() => reject(new Error(`Azurite pid ${child.pid} did not exit after SIGKILL`)), 10_000);
  });
  killGroup(child);
  await exited.finally(() => clearTimeout(timer));
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.stdin?.destroy();
}

/**
 * A forgotten `stop()` must not keep the test process alive: the watchdog cleans up instead.
 * The stdio pipes are sockets at runtime, which the typings do not say.
 */
function unref(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
}

let root: string | undefined;
function azuriteRoot(): string {
  root ??= dirname(createRequire(import.meta.url).resolve('azurite/package.json'));
  return root;
}
