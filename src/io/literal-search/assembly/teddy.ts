// AssemblyScript, compiled to WebAssembly (with SIMD) by `npm run build` (.build/wasm.mjs); not
// part of the TypeScript build. The host (../wasm-search.ts) lays the tables and the literals out in
// the imported memory at the fixed addresses below, then calls scan*.
//
// The search is Teddy's (Hyperscan, and ripgrep's aho-corasick crate): each literal has an anchor
// inside it (where its fingerprint starts) and belongs to one of 8 buckets. For fingerprint byte k,
// two 16-entry tables map a byte's low and high nibble to the set of buckets (one bit each) whose
// literals may have that nibble there. Sixteen anchor positions are classified at once with two
// swizzles (pshufb) per fingerprint byte; a lane whose bits survive every byte is a candidate, and
// only the literals of its surviving buckets are compared in full. Literals shorter than the
// fingerprint let every byte through past their end, so one pass serves literals of any length.

/** 4 fingerprint positions × (low-nibble table, high-nibble table), 16 bytes each. */
const TABLES: usize = 0;
/** Per bucket: first index into BUCKET_LITS (u8), then how many (u8). */
const BUCKETS: usize = 256;
/** Where the scan stopped when the output filled up (u32), else `end`. */
const RESUME: usize = 320;
/** A 16-byte scratch slot to read a candidate lane's bucket bits back from. */
const LANES: usize = 336;
/**
 * Sixteen 0x0f bytes, written by the host. Loaded rather than written as a constant: V8 (11.x)
 * rebuilds a constant vector at every use inside the loop, but keeps a loaded one in a register.
 */
const NIBBLE: usize = 352;
/** Literal numbers (u8) grouped by bucket. */
const BUCKET_LITS: usize = 512;
/** Per literal, 16 bytes: address of its bytes, length, anchor, its number for the caller (u32 each). */
const LITS: usize = 1024;

// A 16-bit shift and a mask: wasm's i8x16.shr_u becomes the same shift plus a mask V8 rebuilds.
// The indices are nibbles, always in range, so the relaxed swizzle (a bare pshufb; built as a second
// module for runtimes with relaxed SIMD) gives the same lanes without the plain one's range fix-up.
@inline function lookup(table: v128, index: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i8x16.relaxed_swizzle(table, index);
  return i8x16.swizzle(table, index);
}

@inline function classify(v: v128, lo: v128, hi: v128, nib: v128): v128 {
  return v128.and(lookup(lo, v128.and(v, nib)), lookup(hi, v128.and(i16x8.shr_u(v, 4), nib)));
}

@inline function same(a: usize, b: usize, n: usize): bool {
  while (n >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  while (n > 0) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++;
    b++;
    n--;
  }
  return true;
}

/**
 * Compares every literal of the buckets in `bits` whose anchor would sit at `at`; writes (start,
 * number) pairs for those found whole inside [start, end). Returns the new output count.
 */
@inline function verify(at: usize, bits: u32, start: usize, end: usize, out: usize, count: i32): i32 {
  while (bits != 0) {
    const b = <usize>ctz(bits);
    bits &= bits - 1;
    let i = <usize>load<u8>(BUCKETS + b * 2);
    const stop = i + <usize>load<u8>(BUCKETS + b * 2 + 1);
    for (; i < stop; i++) {
      const lit = LITS + (<usize>load<u8>(BUCKET_LITS + i) << 4);
      const anchor = <usize>load<u32>(lit + 8);
      if (at < start + anchor) continue;
      const s = at - anchor;
      const len = <usize>load<u32>(lit + 4);
      if (s + len > end) continue;
      if (!same(s, <usize>load<u32>(lit), len)) continue;
      store<u32>(out + (<usize>count << 3), <u32>s);
      store<u32>(out + (<usize>count << 3) + 4, load<u32>(lit + 12));
      count++;
    }
  }
  return count;
}

/**
 * The lanes of block `p` whose bucket bits `r` survived: each is verified. Returns the new output
 * count, or, when the output might overflow before a lane, -1 - count after storing that lane's
 * position at RESUME.
 */
@inline function candidates(p: usize, r: v128, zero: v128, start: usize, end: usize, out: usize, count: i32, room: i32): i32 {
  let lanes = <u32>i8x16.bitmask(i8x16.ne(r, zero));
  const left = end - p;
  if (left < 16) lanes &= (<u32>1 << <u32>left) - 1;
  v128.store(LANES, r);
  while (lanes != 0) {
    const lane = <usize>ctz(lanes);
    lanes &= lanes - 1;
    if (count > room) {
      store<u32>(RESUME, <u32>(p + lane));
      return -1 - count;
    }
    count = verify(p + lane, <u32>load<u8>(LANES + lane), start, end, out, count);
  }
  return count;
}

/**
 * The search with an `m`-byte fingerprint (a constant after inlining, so each exported variant has
 * its own loop). Anchors from `from` (where a previous call stopped, else `start`) to `end` are
 * tried; literals must lie whole in [start, end). Reads up to 32 + m - 1 bytes past `end`: the host
 * keeps memory there. Two blocks a turn share one test for candidates (most turns have none).
 * `room` is how many pairs `out` holds, less the literal count (one lane yields at most that many).
 */
@inline function search(m: i32, from: usize, start: usize, end: usize, out: usize, room: i32): i32 {
  const l0 = v128.load(TABLES);
  const h0 = v128.load(TABLES + 16);
  const l1 = v128.load(TABLES + 32);
  const h1 = v128.load(TABLES + 48);
  const l2 = v128.load(TABLES + 64);
  const h2 = v128.load(TABLES + 80);
  const l3 = v128.load(TABLES + 96);
  const h3 = v128.load(TABLES + 112);
  const nib = v128.load(NIBBLE);
  const zero = v128.xor(nib, nib);
  let count = 0;
  let p = from;
  while (p < end) {
    let r = classify(v128.load(p), l0, h0, nib);
    let s = classify(v128.load(p + 16), l0, h0, nib);
    if (m > 1) {
      r = v128.and(r, classify(v128.load(p + 1), l1, h1, nib));
      s = v128.and(s, classify(v128.load(p + 17), l1, h1, nib));
    }
    if (m > 2) {
      r = v128.and(r, classify(v128.load(p + 2), l2, h2, nib));
      s = v128.and(s, classify(v128.load(p + 18), l2, h2, nib));
    }
    if (m > 3) {
      r = v128.and(r, classify(v128.load(p + 3), l3, h3, nib));
      s = v128.and(s, classify(v128.load(p + 19), l3, h3, nib));
    }
    if (v128.any_true(v128.or(r, s))) {
      count = candidates(p, r, zero, start, end, out, count, room);
      if (count < 0) return -1 - count;
      if (p + 16 < end) {
        count = candidates(p + 16, s, zero, start, end, out, count, room);
        if (count < 0) return -1 - count;
      }
    }
    p += 32;
  }
  store<u32>(RESUME, <u32>end);
  return count;
}

export function scan1(from: usize, start: usize, end: usize, out: usize, room: i32): i32 {
  return search(1, from, start, end, out, room);
}
export function scan2(from: usize, start: usize, end: usize, out: usize, room: i32): i32 {
  return search(2, from, start, end, out, room);
}
export function scan3(from: usize, start: usize, end: usize, out: usize, room: i32): i32 {
  return search(3, from, start, end, out, room);
}
export function scan4(from: usize, start: usize, end: usize, out: usize, room: i32): i32 {
  return search(4, from, start, end, out, room);
}
