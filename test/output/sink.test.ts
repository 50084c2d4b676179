import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSink, openSink } from '../../src/output/sink.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kmod-sink-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const child = join(import.meta.dirname, 'fixtures', 'sink-child.ts');
const runChild = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', child, ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..'), ...(input !== undefined && { input }) });

describe('--output FILE is written atomically', () => {
  it('creates the file only on close, with everything written', async () => {
    const target = join(dir, 'alerts.ndjson');
    const sink = await fileSink(target);
    await sink.write('{"a":1}\n');
    expect(readdirSync(dir)).not.toContain('alerts.ndjson');
    await sink.write('{"a":2}\n');
    await sink.close();
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(readdirSync(dir)).toEqual(['alerts.ndjson']);
  });

  it('replaces an existing file only on success, keeping its permissions', async () => {
    const target = join(dir, 'alerts.ndjson');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o600);
    const sink = await fileSink(target);
    await sink.write('new\n');
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    await sink.close();
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('leaves an existing file untouched and no temporary file behind on abort', async () => {
    const target = join(dir, 'alerts.ndjson');
    writeFileSync(target, 'old\n');
    const sink = await fileSink(target);
    await sink.write('partial');
    await sink.abort();
    await sink.abort();
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['alerts.ndjson']);
  });

  it('removes the temporary file when the process exits without closing', () => {
    const target = join(dir, 'alerts.ndjson');
    writeFileSync(target, 'old\n');
    const r = runChild(['exit-midway', target]);
    expect(r.status).toBe(3);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['alerts.ndjson']);
  });

  it('fails before writing when the directory does not exist or the target is a directory', async () => {
    await expect(fileSink(join(dir, 'missing', 'x.ndjson'))).rejects.toThrow();
    await expect(fileSink(dir)).rejects.toThrow(/directory/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes straight into a target that is not a regular file, such as /dev/null', async () => {
    const sink = await openSink('/dev/null');
    await sink.write('x\n');
    await sink.close();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('stdout whose reader goes away', () => {
  it('ends quietly under `| head -1`: exit 0, first line delivered, nothing on stderr', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import tsx "${child}" flood | head -1`], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '..', '..'),
    });
    expect(r.stdout).toBe('{"n":0}\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('tells the producer to stop early through the sink signal', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" --import tsx "${child}" flood report | head -1 >/dev/null`], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '..', '..'),
    });
    const stopped = /stopped after (\d+) lines/.exec(r.stderr);
    expect(stopped).not.toBeNull();
    // A pipe buffers well under a million of these lines: the producer stopped, it did not run out.
    expect(Number(stopped![1])).toBeLessThan(1_000_000);
  });
});
