import { fork, type ChildProcess } from 'node:child_process';
import type { EmulatorOptions } from '../tools/arm-emulator/src/emulator/index.js';

export interface Request {
  id: number;
  op: 'generate' | 'subscribe' | 'writes' | 'idle' | 'stats' | 'reset' | 'latency' | 'throttle' | 'token';
  args: Record<string, unknown>;
}
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface EmulatorStatsReply {
  counts: Record<string, number>;
  total: number;
  throttled: number;
  rssBytes: number;
}

/** The emulator's options, and (bench only) an Azurite queue its events go to as Event Grid's queue destination writes them. */
export type RemoteEmulatorOptions = Omit<EmulatorOptions, 'eventSink'> & { eventQueue?: { connectionString: string; queueName: string } };

/** An emulator running in a child process (see emulatorChild.ts). */
export interface RemoteEmulator {
  url: string;
  caCertPem: string;
  pid: number;
  call<T>(op: Request['op'], args?: Record<string, unknown>): Promise<T>;
  stats(): Promise<EmulatorStatsReply>;
  stop(): Promise<void>;
}

export async function startRemoteEmulator(options: RemoteEmulatorOptions = {}): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(new URL('./emulatorChild.ts', import.meta.url), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (reply.ok) w.resolve(reply.value);
    else w.reject(new Error(`emulator: ${reply.error}`));
  });
  const ready = new Promise<{ url: string; caCertPem: string }>((resolve, reject) => {
    waiting.set(0, { resolve: (v) => resolve(v as { url: string; caCertPem: string }), reject });
    child.once('exit', (code) => reject(new Error(`emulator child exited with ${code}`)));
  });
  const { url, caCertPem } = await ready;
  const call = <T>(op: Request['op'], args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      child.send({ id, op, args } satisfies Request);
    });
  return {
    url,
    caCertPem,
    pid: child.pid ?? 0,
    call,
    stats: () => call<EmulatorStatsReply>('stats'),
    async stop() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
