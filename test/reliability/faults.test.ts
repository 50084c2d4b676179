/**
 * Fault injection where the machine cannot produce the fault for real (EDQUOT needs quotas, EIO on
 * write a failing disk): the error a system call would raise is injected at the boundary, and what
 * reaches the user is checked: one line with the path, what was being done, the cause in words.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { faultFromSystemError, isSystemError, nameFault, WorldFault, type SystemError } from '../../src/io/faults.js';
import { stdoutSink } from '../../src/output/sink.js';

function sysError(code: string, syscall = 'write', path?: string): SystemError {
  return Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall, errno: -1, ...(path !== undefined && { path }) });
}

/** A stream whose every write fails like a disk would. */
function failingStream(code: string): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb(sysError(code));
    },
  });
}

describe('naming the world\'s faults', () => {
  it.each([
    ['ENOSPC', 'no space left on the device', 'free some space'],
    ['EDQUOT', 'the disk quota is used up', 'free space within your quota'],
    ['EACCES', 'permission denied', 'check that you may write'],
    ['EROFS', 'the file system is read-only', 'write to a writable location'],
    ['EISDIR', 'it is a directory', 'name a file'],
    ['ENOTDIR', 'a part of the path is a file, not a directory', 'check the path'],
    ['EMFILE', 'too many open files', 'ulimit -n'],
    ['EIO', 'an input/output error from the device', 'check it (dmesg)'],
  ])('%s on write: one line with path, action, cause and what to do', (code, words, advice) => {
    const f = nameFault(sysError(code), 'out/alerts.ndjson', 'write the alerts');
    expect(f).toBeInstanceOf(WorldFault);
    const msg = (f as WorldFault).message;
    expect(msg).toBe(msg.split('\n')[0]);
    expect(msg.startsWith(`out/alerts.ndjson: could not write the alerts: ${words} (${code})`)).toBe(true);
    expect(msg).toContain(advice);
  });

  it('gives read advice for reads', () => {
    expect((nameFault(sysError('EACCES', 'open'), 'in.ndjson', 'read the input') as Error).message).toBe(
      'in.ndjson: could not read the input: permission denied (EACCES); check that you may read the file and enter its directories (ls -l)',
    );
  });

  it('leaves our own errors alone: only system errors are the world\'s', () => {
    const bug = new TypeError('x is undefined');
    expect(nameFault(bug, 'p', 'read')).toBe(bug);
    expect(isSystemError(bug)).toBe(false);
    expect(isSystemError(Object.assign(new Error('zlib'), { code: 'Z_DATA_ERROR' }))).toBe(false);
  });

  it('names a system error that arrived unnamed from Node\'s own path and syscall', () => {
    expect(faultFromSystemError(sysError('EIO', 'read', '/dev/sdz')).message).toMatch(/^\/dev\/sdz: could not read: an input\/output error/);
  });

  it.each(['EDQUOT', 'EIO', 'ENOSPC'])('a %s from standard output surfaces from the sink as a named fault', async (code) => {
    const sink = stdoutSink(failingStream(code));
    await sink.write('{"a":1}\n').catch(() => {});
    await new Promise((r) => setImmediate(r));
    const err = await sink.close().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorldFault);
    expect((err as WorldFault).message).toMatch(new RegExp(`^standard output: could not write to standard output: .* \\(${code}\\)`));
  });
});
