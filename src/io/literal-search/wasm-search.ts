/**
 * The host side of the WebAssembly SIMD search (assembly/teddy.ts): chooses each literal's anchor
 * and bucket, lays the nibble tables and the literals out in the module's memory, and runs the scan
 * over bytes that are already in that memory (the arena) or, for any other buffer, over copies of
 * it in arena-sized windows that overlap by one literal's length.
 */
import { TEDDY_RELAXED_WASM_BASE64, TEDDY_WASM_BASE64 } from './kernel-bytes.js';
import type { LiteralMatches, LiteralSearch } from './types.js';

// The kernel's fixed addresses (see assembly/teddy.ts).
const TABLES = 0;
const BUCKETS = 256;
const RESUME = 320;
const NIBBLE = 352;
const BUCKET_LITS = 512;
const LITS = 1024;
const LIT_BYTES = 2048;
const OUT = 65536;
const OUT_PAIRS = 8192;
/** Where other buffers are copied to be searched, WINDOW bytes at a time; the arena follows. */
const WINDOW_AT = OUT + OUT_PAIRS * 8;
const WINDOW = 256 << 10;
const ARENA = WINDOW_AT + WINDOW;
/** The kernel reads up to 35 bytes past the end of what it searches. */
const SLACK = 64;
const PAGE = 65536;

export const MAX_WASM_LITERALS = 64;
const MAX_FINGERPRINT = 3;
const BUCKET_COUNT = 8;

/**
 * Bytes that a JSON line is full of: a fingerprint starting on one of them makes most positions
 * candidates, so a literal's anchor is its first byte outside this set (the quote before a value
 * above all: `"kmod"` is anchored at `k`).
 */
const FREQUENT = new Set([0x22, 0x3a, 0x2c, 0x20, 0x7b, 0x7d, 0x5b, 0x5d]);

type ScanFn = (from: number, start: number, end: number, out: number, room: number) => number;

interface Kernel {
  memory: WebAssembly.Memory;
  scan: ScanFn;
}

let compiled: WebAssembly.Module | undefined;
let relaxed: boolean | undefined;

/**
 * Whether this runtime takes the relaxed-SIMD build of the kernel (the same search with a bare
 * pshufb per lookup; Node 22 and later, or 20 with --experimental-wasm-relaxed-simd).
 */
export function relaxedSimdAvailable(): boolean {
  relaxed ??= validates(TEDDY_RELAXED_WASM_BASE64) && process.env['KMOD_LITERAL_SEARCH'] !== 'wasm-simd';
  return relaxed;
}

function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(relaxedSimdAvailable() ? TEDDY_RELAXED_WASM_BASE64 : TEDDY_WASM_BASE64, 'base64'));
  return compiled;
}

function validates(base64: string): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(Buffer.from(base64, 'base64'));
  } catch {
    return false;
  }
}

/** Whether this runtime compiles the kernel (WebAssembly with the SIMD proposal). */
export function wasmSimdAvailable(): boolean {
  return validates(TEDDY_WASM_BASE64);
}

function anchorOf(lit: Uint8Array): number {
  for (let i = 0; i < lit.length; i++) if (!FREQUENT.has(lit[i]!)) return i;
  return 0;
}

interface Placed {
  id: number;
  bytes: Uint8Array;
  anchor: number;
  /** The fingerprint: up to MAX_FINGERPRINT bytes from the anchor. */
  print: number[];
}

/**
 * Buckets for the literals: one each up to 8; above, runs of literals sorted by fingerprint, so a
 * bucket's literals tend to share bytes and its nibble tables stay narrow.
 */
function bucketsOf(placed: Placed[]): Placed[][] {
  if (placed.length <= BUCKET_COUNT) return placed.map((p) => [p]);
  const sorted = [...placed].sort((a, b) => a.print.length - b.print.length || cmp(a.print, b.print));
  const buckets: Placed[][] = [];
  for (let b = 0; b < BUCKET_COUNT; b++) {
    const lo = Math.floor((b * sorted.length) / BUCKET_COUNT);
    const hi = Math.floor(((b + 1) * sorted.length) / BUCKET_COUNT);
    buckets.push(sorted.slice(lo, hi));
  }
  return buckets;
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Writes the nibble tables, buckets and literal descriptors for these anchors into the kernel's
 * memory; returns the scan for the fingerprint length they need.
 */
function layout(mem: Uint8Array, u32: Uint32Array, literals: readonly Uint8Array[], plan: AnchorPlan, exports: Record<string, unknown>): ScanFn {
  const placed: Placed[] = literals.map((bytes, id) => {
    const anchor = plan.anchors[id]!;
    return { id, bytes, anchor, print: [...bytes.subarray(anchor, anchor + plan.width)] };
  });
  const m = Math.max(...placed.map((p) => p.print.length));
  mem.fill(0, TABLES, TABLES + 128);
  let litAt = LIT_BYTES;
  let slot = 0;
  bucketsOf(placed).forEach((members, b) => {
    mem[BUCKETS + b * 2] = slot;
    mem[BUCKETS + b * 2 + 1] = members.length;
    for (const p of members) {
      for (let k = 0; k < m; k++) {
        const lo = TABLES + k * 32;
        const hi = lo + 16;
        const byte = p.print[k];
        for (let n = 0; n < 16; n++) {
          // Past the literal's fingerprint any byte will do.
          if (byte === undefined || (byte & 15) === n) mem[lo + n]! |= 1 << b;
          if (byte === undefined || byte >> 4 === n) mem[hi + n]! |= 1 << b;
        }
      }
      mem.set(p.bytes, litAt);
      const d = (LITS >> 2) + slot * 4;
      u32[d] = litAt;
      u32[d + 1] = p.bytes.length;
      u32[d + 2] = p.anchor;
      u32[d + 3] = p.id;
      mem[BUCKET_LITS + slot] = slot;
      litAt += p.bytes.length;
      slot++;
    }
  });
  return exports[`scan${m}`] as ScanFn;
}

/** Anchors tried per literal, and how much of a sample is searched for each fingerprint. */
const MAX_ANCHORS_TRIED = 16;
const MAX_SAMPLE_BYTES = 256 << 10;
/** A fingerprint seen this often in the sample has lost to any rarer one already. */
const MAX_COUNTED = 4096;
/**
 * Candidates per MiB below which 2-byte fingerprints beat 3-byte ones: the third byte costs about a
 * third of the pass (~80 µs a MiB), a candidate about 30 ns to verify (one bucket per literal, up to
 * 8 literals; shared buckets blur short fingerprints, so more literals keep 3 bytes).
 */
const NARROW_MAX_PER_MIB = 1500;

/** Where each literal's fingerprint starts, and how many bytes fingerprints have. */
export interface AnchorPlan {
  anchors: number[];
  width: number;
}

export function staticPlan(literals: readonly Uint8Array[]): AnchorPlan {
  return { anchors: literals.map(anchorOf), width: MAX_FINGERPRINT };
}

/**
 * Each literal's anchor where its fingerprint is rarest in `sample` (ties: the static choice past a
 * leading quote, then the earlier anchor), and 2-byte fingerprints where they would stay rare: a
 * candidate costs a comparison, and on ECS JSON a literal's obvious start is often a common
 * substring (`mod` of `"modinfo"` occurs ~800 times a MiB, `nfo` once).
 */
export function chooseAnchors(literals: readonly Uint8Array[], sample: Uint8Array): AnchorPlan {
  const hay = Buffer.from(sample.buffer, sample.byteOffset, Math.min(sample.byteLength, MAX_SAMPLE_BYTES));
  const counted = new Map<string, number>();
  const count = (print: Buffer): number => {
    const key = print.toString('latin1');
    let n = counted.get(key);
    if (n === undefined) {
      n = 0;
      for (let p = hay.indexOf(print); p !== -1 && n < MAX_COUNTED; p = hay.indexOf(print, p + 1)) n++;
      counted.set(key, n);
    }
    return n;
  };
  const best = (width: number): { anchors: number[]; hits: number } => {
    let hits = 0;
    const anchors = literals.map((lit) => {
      const bytes = Buffer.from(lit.buffer, lit.byteOffset, lit.byteLength);
      const full = Math.min(width, bytes.length);
      const score = (a: number): number => {
        const print = bytes.subarray(a, a + width);
        // A shorter fingerprint (near the literal's end) counts as if it matched a quarter more often.
        return count(print) * (print.length < full ? 1.25 : 1) + (print.length < full ? 0.5 : 0);
      };
      let anchor = anchorOf(lit);
      let bestScore = score(anchor);
      for (let a = 0; a < Math.min(bytes.length, MAX_ANCHORS_TRIED); a++) {
        const sc = score(a);
        if (sc < bestScore) {
          bestScore = sc;
          anchor = a;
        }
      }
      hits += count(bytes.subarray(anchor, anchor + width));
      return anchor;
    });
    return { anchors, hits };
  };
  const wide = best(MAX_FINGERPRINT);
  if (literals.length <= BUCKET_COUNT && hay.length > 0) {
    const narrow = best(2);
    if ((narrow.hits * (1 << 20)) / hay.length < NARROW_MAX_PER_MIB) return { anchors: narrow.anchors, width: 2 };
  }
  return { anchors: wide.anchors, width: MAX_FINGERPRINT };
}

export interface WasmSearchOptions {
  /** Bytes per window for buffers outside the arena (at most 256 KiB; tests use small ones). */
  windowBytes?: number;
  /**
   * Bytes of arena: memory the search reads in place, which a reader may fill (other buffers are
   * copied through a window of their own). Default none; a reader of 1 MiB reads wants 2 MiB.
   */
  arenaBytes?: number;
}

export function createWasmSearch(literals: readonly Uint8Array[], opts: WasmSearchOptions = {}): LiteralSearch {
  if (literals.length === 0 || literals.length > MAX_WASM_LITERALS) throw new RangeError(`the SIMD search takes 1 to ${MAX_WASM_LITERALS} literals`);
  const totalBytes = literals.reduce((n, l) => n + l.length, 0);
  if (LIT_BYTES + totalBytes > OUT) throw new RangeError('literals too long for the SIMD search');
  const maxLen = Math.max(...literals.map((l) => l.length));
  // Windows over a foreign buffer overlap by maxLen - 1 bytes, so each must be longer than that.
  const windowBytes = Math.max(Math.min(opts.windowBytes ?? WINDOW, WINDOW), 2 * maxLen);
  const arenaBytes = opts.arenaBytes ?? 0;
  const pages = Math.ceil((ARENA + arenaBytes + SLACK) / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
  const mem = new Uint8Array(memory.buffer);
  const u32 = new Uint32Array(memory.buffer);

  mem.fill(0x0f, NIBBLE, NIBBLE + 16);
  const exports = instance.exports;
  const kernel: Kernel = { memory, scan: layout(mem, u32, literals, staticPlan(literals), exports) };
  const room = OUT_PAIRS - literals.length - 1;
  const arena = Buffer.from(memory.buffer, ARENA, arenaBytes);

  /** Scans memory [start, end) and appends (position + shift, literal) pairs, skipping starts ≥ limit. */
  const scanMemory = (start: number, end: number, shift: number, limit: number, pos: number[], ids: number[]): void => {
    let from = start;
    while (from < end) {
      const n = kernel.scan(from, start, end, OUT, room);
      for (let i = 0; i < n; i++) {
        const p = u32[(OUT >> 2) + i * 2]!;
        if (p >= limit) continue;
        pos.push(p + shift);
        ids.push(u32[(OUT >> 2) + i * 2 + 1]!);
      }
      from = u32[RESUME >> 2]!;
    }
  };

  return {
    engine: 'wasm-simd',
    literals,
    arena,
    tune(sample) {
      kernel.scan = layout(mem, u32, literals, chooseAnchors(literals, sample), exports);
    },
    scan(buf, start = 0, end = buf.length) {
      const pos: number[] = [];
      const ids: number[] = [];
      if (end > start) {
        if (buf.buffer === memory.buffer) {
          const at = buf.byteOffset;
          scanMemory(at + start, at + end, -at, Infinity, pos, ids);
        } else {
          // Windows overlap by maxLen - 1 bytes; each keeps the starts before the next one's.
          const step = windowBytes - (maxLen - 1);
          for (let w = start; w < end; w += step) {
            const we = Math.min(end, w + windowBytes);
            mem.set(buf.subarray(w, we), WINDOW_AT);
            const last = we === end;
            scanMemory(WINDOW_AT, WINDOW_AT + (we - w), w - WINDOW_AT, last ? Infinity : WINDOW_AT + step, pos, ids);
            if (last) break;
          }
        }
      }
      return sorted(pos, ids);
    },
  };
}

/** The pairs by position, then literal (the kernel reports them by anchor, then bucket). */
function sorted(pos: number[], ids: number[]): LiteralMatches {
  const n = pos.length;
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) ordered = pos[i - 1]! < pos[i]! || (pos[i - 1] === pos[i] && ids[i - 1]! < ids[i]!);
  const out: LiteralMatches = { count: n, positions: new Int32Array(n), literals: new Int32Array(n) };
  if (ordered) {
    out.positions.set(pos);
    out.literals.set(ids);
    return out;
  }
  const order = Array.from({ length: n }, (_v, i) => i).sort((a, b) => pos[a]! - pos[b]! || ids[a]! - ids[b]!);
  order.forEach((k, i) => {
    out.positions[i] = pos[k]!;
    out.literals[i] = ids[k]!;
  });
  return out;
}
