/**
 * The literal search alone: GB/s of each engine over the same bytes in memory, for 1, 4, 8 and 16
 * literals (the rule's quoted process names first, then other quoted names as a bigger rule would
 * have), engines interleaved run by run so that both see the same load on a shared machine, timed
 * in CPU seconds of the process.
 *
 *   tsx test/bench/literal-search.ts FILE [--mib 64] [--runs 7]
 *
 * Prints one JSON line per literal count: median GB/s per engine, their ratio, occurrences found.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { createLiteralSearch, type LiteralSearch } from '../../src/io/literal-search/index.js';

const NAMES = [
  'lsmod', 'modinfo', 'kmod', 'depmod', 'insmod', 'rmmod', 'modprobe', 'kldstat',
  'dkms', 'lsblk', 'ltrace', 'strace', 'ethtool', 'iptables', 'nsenter', 'unshare',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: literal-search.ts FILE [--mib 64] [--runs 7]');
const mib = arg('--mib', 64);
const runs = arg('--runs', 7);
const data = Buffer.allocUnsafe(mib << 20);
const fd = openSync(file, 'r');
const n = readSync(fd, data, 0, data.length, 0);
closeSync(fd);

for (const count of [1, 4, 8, 16]) {
  const literals = NAMES.slice(0, count).map((name) => Buffer.from(`"${name}"`, 'latin1'));
  const wasm = createLiteralSearch(literals, { engine: 'wasm-simd', arenaBytes: n });
  data.copy(wasm.arena, 0, 0, n);
  // As the prefilter does: anchors chosen on the first read.
  wasm.tune(data.subarray(0, 1 << 20));
  const indexOf = createLiteralSearch(literals, { engine: 'indexOf' });
  const time = (s: LiteralSearch, buf: Buffer): { s: number; found: number } => {
    // CPU time of this process (one thread does the work): steadier than wall time when the
    // machine's cores are shared.
    const t0 = process.cpuUsage();
    const found = s.scan(buf, 0, n).count;
    const t = process.cpuUsage(t0);
    return { s: (t.user + t.system) / 1e6, found };
  };
  const w: number[] = [];
  const x: number[] = [];
  const ratio: number[] = [];
  let found = 0;
  for (let r = 0; r < runs; r++) {
    const a = time(wasm, wasm.arena);
    const b = time(indexOf, data);
    if (a.found !== b.found) throw new Error(`engines disagree: ${a.found} vs ${b.found}`);
    found = a.found;
    w.push(n / a.s / 1e9);
    x.push(n / b.s / 1e9);
    ratio.push(b.s / a.s);
  }
  process.stdout.write(`${JSON.stringify({ literals: count, bytes: n, wasmGBps: +median(w).toFixed(2), indexOfGBps: +median(x).toFixed(2), speedup: +median(ratio).toFixed(2), found })}\n`);
}
