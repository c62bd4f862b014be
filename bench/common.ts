import dc from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { generatedSubscriptionId } from '../tools/arm-emulator/src/emulator/index.js';

/** What the figures were measured on: they mean little without it. */
export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean, max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Writes `bench/results/<scenario>-<time>.json` with the machine description; returns the relative path. */
export async function writeResult(scenario: string, quick: boolean, data: unknown): Promise<string> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const name = `${scenario}-${quick ? 'quick-' : ''}${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(new URL(name, dir), JSON.stringify({ scenario, quick, at: new Date().toISOString(), machine: machine(), ...(data as object) }, null, 2) + '\n');
  return `bench/results/${name}`;
}

/** A row of a printed table: what was measured, its value, what it is compared with, the ratio and the target. */
export interface Row {
  figure: string;
  value: string;
  against?: string;
  ratio?: string;
  target?: string;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const head: Row = { figure: 'figure', value: 'measured', against: 'baseline / floor', ratio: 'ratio', target: 'target' };
  const all = [head, ...rows];
  const cols = ['figure', 'value', 'against', 'ratio', 'target'] as const;
  const width = cols.map((c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  console.log(`\n${title}`);
  for (const [i, r] of all.entries()) {
    console.log('  ' + cols.map((c, j) => (r[c] ?? '').padEnd(width[j] as number)).join('  ').trimEnd());
    if (i === 0) console.log('  ' + width.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Resource groups per generated subscription in the benches (the emulator's default). */
export const GENERATED_GROUPS = 10;

/** Site `i` of generated subscription `sub`, named as the emulator's generateFleet names it. */
export const generatedSiteId = (sub: number, i: number) =>
  `/subscriptions/${generatedSubscriptionId(sub)}/resourceGroups/rg-${i % GENERATED_GROUPS}/providers/Microsoft.Web/sites/app-${sub}-${i}`;

/** Now as epoch ms with sub-ms precision: comparable with times another process took the same way. */
export const epochNow = () => performance.timeOrigin + performance.now();

export const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
export const times = (v: number) => `${v.toFixed(2)}×`;
export const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** A temporary file holding the emulator's CA, for MTLS_ARM_CA_CERT_PATH. */
export async function caFile(pem: string): Promise<string> {
  const path = join(await mkdtemp(join(os.tmpdir(), 'mtls-bench-')), 'ca.pem');
  await writeFile(path, pem);
  return path;
}

/**
 * Counts this process's outgoing HTTP requests by `host:port` (Node's diagnostics channel), so
 * ARM calls and table operations are counted on the wire, retries included, without touching the SDKs.
 */
export class RequestCounter {
  private readonly counts = new Map<string, number>();
  private readonly listener = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const host = String(request.getHeader('host') ?? request.host);
    this.counts.set(host, (this.counts.get(host) ?? 0) + 1);
  };

  start(): this {
    dc.subscribe('http.client.request.start', this.listener);
    return this;
  }

  stop(): void {
    dc.unsubscribe('http.client.request.start', this.listener);
  }

  /** Requests to the endpoint of `url` (scheme and path ignored). */
  to(url: string): number {
    return this.counts.get(new URL(url).host) ?? 0;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** CPU ms so far of this process and of each process it started (Linux /proc; empty elsewhere), by role. */
export type ProcessCpu = Record<string, number>;

/** Role of a child process by its command line: the bench's emulator child, or which Azurite service. */
function roleOf(cmdline: string): string {
  if (cmdline.includes('emulatorChild')) return 'emulator';
  for (const service of ['table', 'queue', 'blob']) if (cmdline.includes(`--${service}Host`)) return `Azurite ${service}`;
  if (cmdline.includes('sweepWorker')) return 'sweep worker';
  return 'other';
}

export function processCpu(): ProcessCpu {
  const own = process.cpuUsage();
  const cpu: ProcessCpu = { 'this process': (own.user + own.system) / 1000 };
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return cpu;
  }
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const parent = new Map<number, number>();
  const stats = new Map<number, { ms: number; cmdline: string }>();
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which is in parentheses and may hold spaces).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(pid), Number(rest[1]));
      stats.set(Number(pid), { ms: (Number(rest[11]) + Number(rest[12])) * tick, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // The process exited while we read.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  for (const [pid, { ms, cmdline }] of stats) {
    if (!isDescendant(pid)) continue;
    const role = roleOf(cmdline);
    cpu[role] = (cpu[role] ?? 0) + ms;
  }
  return cpu;
}

/** CPU ms each role used between two `processCpu()` readings. */
export function cpuSince(before: ProcessCpu, after: ProcessCpu = processCpu()): ProcessCpu {
  return Object.fromEntries(Object.entries(after).map(([role, ms]) => [role, ms - (before[role] ?? 0)]).filter(([, ms]) => (ms as number) > 0));
}

/** Each role's CPU ms over `events`. */
export function perEvent(cpu: ProcessCpu, events: number): ProcessCpu {
  return Object.fromEntries(Object.entries(cpu).map(([role, ms]) => [role, ms / events]));
}

/** "this process 2.10 · emulator 0.40 · Azurite table 3.00": a printed row's value. */
export function cpuLine(cpu: ProcessCpu): string {
  return Object.entries(cpu).map(([role, ms]) => `${role} ${ms.toFixed(2)}`).join(' · ');
}

/** CPU ms of all roles together. */
export function cpuTotal(cpu: ProcessCpu): number {
  return Object.values(cpu).reduce((a, b) => a + b, 0);
}
