import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/io/errors.js';
import { openSource, resolveInputs } from '../../src/io/sources.js';
import { FIXTURES, readAll, tempDir } from './support.js';

async function bytesOf(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of openSource({ name: path, kind: 'file' }).chunks) parts.push(c);
  return Buffer.concat(parts);
}

describe('resolveInputs', () => {
  it('walks directories recursively in sorted order, taking every file whose content is events, whatever its name', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'b', 'inner'), { recursive: true });
    mkdirSync(join(d, 'a'));
    for (const f of ['b/inner/z.ndjson', 'b/x.jsonl', 'a/notes.txt', 'c.json', 'app.ndjson.1', 'app.log', 'app.ndjson-20240603']) {
      writeFileSync(join(d, f), '{}\n');
    }
    writeFileSync(join(d, 'a', 'y.json.gz'), gzipSync('{"a":1}\n'));
    writeFileSync(join(d, 'a', 'rotated.2'), gzipSync('{"a":1}\n'));
    writeFileSync(join(d, 'README.md'), '# not events\n');
    symlinkSync(d, join(d, 'b', 'loop')); // a cycle must not hang the walk
    const skipped: string[] = [];
    const names = (await resolveInputs([d], { onSkip: (s) => skipped.push(`${s.path.slice(d.length + 1)}: ${s.why}`) })).map((s) => s.name.slice(d.length + 1));
    expect(names).toEqual(['a/notes.txt', 'a/rotated.2', 'a/y.json.gz', 'app.log', 'app.ndjson-20240603', 'app.ndjson.1', 'b/inner/z.ndjson', 'b/x.jsonl', 'c.json']);
    expect(skipped).toEqual(['README.md: plain text (not JSON)']);
  });

  it('narrows a walk with --glob and --exclude, reporting the files left out apart from skipped ones', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'old'));
    for (const f of ['a.ndjson', 'b.log', 'old/c.ndjson']) writeFileSync(join(d, f), '{}\n');
    const excluded: string[] = [];
    const onExcluded = (p: string) => excluded.push(p.slice(d.length + 1));
    const names = async (opts: { glob?: string[]; exclude?: string[] }) =>
      (await resolveInputs([d], { ...opts, onExcluded })).map((s) => s.name.slice(d.length + 1));
    expect(await names({ glob: ['*.ndjson'] })).toEqual(['a.ndjson', 'old/c.ndjson']);
    expect(excluded).toEqual(['b.log']);
    expect(await names({ exclude: ['old'] })).toEqual(['a.ndjson', 'b.log']);
    expect(await names({ glob: ['old/*'] })).toEqual(['old/c.ndjson']);
  });

  it('takes a named file whatever its extension, with its size', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'events.log'), '{}\n{}\n');
    expect(await resolveInputs([join(d, 'events.log')])).toEqual([{ name: join(d, 'events.log'), kind: 'file', size: 6 }]);
  });

  it('reads stdin for no argument and for -', async () => {
    expect((await resolveInputs([])).map((s) => s.kind)).toEqual(['stdin']);
    expect((await resolveInputs(['-'])).map((s) => s.name)).toEqual(['-']);
  });

  it('throws an InputError naming a missing path', async () => {
    const missing = join(tempDir(), 'nope.ndjson');
    await expect(resolveInputs([missing])).rejects.toMatchObject({ name: 'InputError', reason: 'missing', path: missing });
    await expect(resolveInputs([missing])).rejects.toBeInstanceOf(InputError);
  });
});

describe('resolveInputs on a directory without event files', () => {
  it('throws an InputError naming the directory, so a mistyped folder is not a clean run', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'not events\n');
    writeFileSync(join(dir, 'empty-ish.bin'), Buffer.from([0, 1, 2, 3, 0xff]));
    await expect(resolveInputs([dir])).rejects.toThrow(InputError);
    await expect(resolveInputs([dir])).rejects.toThrow(/holds no files of events; skipped 2 files that hold no events: .*empty-ish\.bin \(binary data\), .*notes\.txt \(plain text \(not JSON\)\)/);
  });

  it('throws when the only files left after skipping are empty (a marker file beside skipped captures)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'done'), '');
    writeFileSync(join(dir, 'part-00.ndjson.xz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
    await expect(resolveInputs([dir])).rejects.toThrow(/holds no files of events; skipped 1 file that holds no events: .*part-00\.ndjson\.xz \(xz: decompress it first\)/);
    // An empty directory file alone, nothing skipped, is still just an empty input.
    const quiet = tempDir();
    writeFileSync(join(quiet, 'done'), '');
    await expect(resolveInputs([quiet])).resolves.toHaveLength(1);
  });
});

describe('openSource', () => {
  const plain = readFileSync(`${FIXTURES}shapes/hits.ndjson`);

  it('inflates gzip found by magic bytes under a name without .gz', async () => {
    const d = tempDir();
    const p = join(d, 'export-2024-05-14');
    copyFileSync(`${FIXTURES}shapes/events.ndjson.gz`, p);
    expect(await bytesOf(p)).toEqual(plain);
  });

  it('inflates gzip named .ndjson, and reads concatenated gzip members', async () => {
    const d = tempDir();
    const p = join(d, 'events.ndjson');
    writeFileSync(p, Buffer.concat([gzipSync(plain.subarray(0, 100)), gzipSync(plain.subarray(100))]));
    expect(await bytesOf(p)).toEqual(plain);
  });

  it('does not inflate a plain file named .gz', async () => {
    const d = tempDir();
    const p = join(d, 'plain.ndjson.gz');
    writeFileSync(p, plain);
    expect(await bytesOf(p)).toEqual(plain);
  });

  it('counts raw (compressed) bytes read, for progress against the on-disk size', async () => {
    const src = { name: `${FIXTURES}shapes/events.ndjson.gz`, kind: 'file' as const };
    const opened = openSource(src);
    for await (const _ of opened.chunks) void _;
    expect(opened.rawBytesRead()).toBe(readFileSync(src.name).length);
  });

  it('throws an InputError naming an unreadable path on first read', async () => {
    const missing = join(tempDir(), 'gone.ndjson');
    await expect(bytesOf(missing)).rejects.toMatchObject({ name: 'InputError', path: missing });
  });
});

describe('reading several inputs', () => {
  it('reads files and directories in the order given', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'dir'));
    copyFileSync(`${FIXTURES}shapes/hits.ndjson`, join(d, 'dir', 'b.ndjson'));
    copyFileSync(`${FIXTURES}shapes/events.ndjson.gz`, join(d, 'dir', 'a.ndjson.gz'));
    const first = join(d, 'first.ndjson');
    writeFileSync(first, '{"n":0}\n');
    const { events, acct } = await readAll([first, join(d, 'dir')]);
    expect(events.map((e) => e.origin.file)).toEqual([first, ...Array(3).fill(join(d, 'dir', 'a.ndjson.gz')), ...Array(3).fill(join(d, 'dir', 'b.ndjson'))]);
    expect([...acct.files.keys()]).toEqual([first, join(d, 'dir', 'a.ndjson.gz'), join(d, 'dir', 'b.ndjson')]);
  });
});

describe('stopping early', () => {
  it('closes the file when the consumer stops, plain or gzip', async () => {
    const d = tempDir();
    const big = Buffer.alloc(4 << 20, 0x61);
    const plainPath = join(d, 'plain.ndjson');
    const gzPath = join(d, 'gz.ndjson');
    writeFileSync(plainPath, big);
    writeFileSync(gzPath, gzipSync(big));
    for (const p of [plainPath, gzPath]) {
      const before = readdirSync('/proc/self/fd').length;
      const opened = openSource({ name: p, kind: 'file' });
      for await (const _ of opened.chunks) break;
      // The stream closes its fd asynchronously: wait for that to happen (a condition, not a sleep).
      await vi.waitFor(() => expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before), { timeout: 10_000, interval: 5 });
      expect(opened.rawBytesRead()).toBeLessThan(big.length + 1);
    }
  });
});
