/**
 * What a heap snapshot holds, by constructor: `node --import tsx bench/heapTop.ts <file.heapsnapshot> [rows]`.
 * Sums the nodes' self sizes by type and name (objects by constructor, strings, closures, arrays'
 * backing stores), largest first, with counts: enough to see which kind of object holds a peak.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: heapTop.ts <file.heapsnapshot> [rows]');
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const stride = fields.length;
const at = (name: string) => fields.indexOf(name);
const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')];
const totals = new Map<string, { count: number; bytes: number }>();
let all = 0;
for (let i = 0; i < snap.nodes.length; i += stride) {
  const type = types[snap.nodes[i + typeAt] as number] ?? '?';
  const bytes = snap.nodes[i + sizeAt] as number;
  const name = type === 'object' || type === 'closure' || type === 'native' ? (snap.strings[snap.nodes[i + nameAt] as number] ?? '?') : '';
  const key = `${type}${name ? ` ${name}` : ''}`;
  const t = totals.get(key) ?? { count: 0, bytes: 0 };
  t.count++;
  t.bytes += bytes;
  totals.set(key, t);
  all += bytes;
}
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
console.log(`${file}: ${mb(all)} in ${(snap.nodes.length / stride).toLocaleString('en')} nodes`);
for (const [key, t] of [...totals.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(rowsArg ?? 25))) {
  console.log(`${mb(t.bytes).padStart(10)}  ${String(t.count).padStart(9)}  ${key.slice(0, 100)}`);
}
