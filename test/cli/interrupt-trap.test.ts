import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { Interrupted, trapStopSignals, type SignalHost, type StopSignal } from '../../src/cli/interrupt.js';

class FakeProcess extends EventEmitter implements SignalHost {
  exits: number[] = [];
  lines: string[] = [];
  stderr = { write: (t: string) => this.lines.push(t) };
  exit(code: number): void {
    this.exits.push(code);
  }
  send(sig: StopSignal): void {
    this.emit(sig);
  }
}

const reasonOf = (signal: AbortSignal): Interrupted => signal.reason as Interrupted;

describe('trapStopSignals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('aborts the run on %s with exit code %i', (sig, code) => {
    const host = new FakeProcess();
    const trap = trapStopSignals({ host, graceMs: 10_000 });
    expect(trap.signal.aborted).toBe(false);
    host.send(sig);
    expect(trap.signal.aborted).toBe(true);
    expect(reasonOf(trap.signal)).toBeInstanceOf(Interrupted);
    expect(reasonOf(trap.signal).exitCode).toBe(code);
    expect(() => trap.check()).toThrow(Interrupted);
    trap.dispose();
  });

  it('exits with one line on stderr and the signal exit code', () => {
    const host = new FakeProcess();
    const trap = trapStopSignals({ host, graceMs: 10_000 });
    host.send('SIGTERM');
    expect(() => trap.exit(reasonOf(trap.signal), '--output left as it was')).toThrow(Interrupted);
    expect(host.exits).toEqual([143]);
    expect(host.lines).toEqual(['kmod-enum-detect: interrupted by SIGTERM; --output left as it was\n']);
    expect(host.listenerCount('SIGTERM')).toBe(0);
  });

  it('holds a signal that arrives during a commit until the commit is done', async () => {
    const host = new FakeProcess();
    const trap = trapStopSignals({ host, graceMs: 10_000 });
    const steps: string[] = [];
    const committed = trap.commit(async () => {
      steps.push('rename output');
      host.send('SIGINT');
      expect(trap.signal.aborted).toBe(false);
      await new Promise((r) => setImmediate(r));
      steps.push('save state');
    });
    await expect(committed).rejects.toMatchObject({ signal: 'SIGINT', afterCommit: true });
    expect(steps).toEqual(['rename output', 'save state']);
    expect(trap.signal.aborted).toBe(true);
    trap.dispose();
  });

  it('refuses to start a commit once interrupted', async () => {
    const host = new FakeProcess();
    const trap = trapStopSignals({ host, graceMs: 10_000 });
    host.send('SIGHUP');
    let ran = false;
    await expect(trap.commit(() => (ran = true))).rejects.toBeInstanceOf(Interrupted);
    expect(ran).toBe(false);
    trap.dispose();
  });

  it('exits at once on a second signal', () => {
    const host = new FakeProcess();
    const trap = trapStopSignals({ host, graceMs: 10_000 });
    host.send('SIGINT');
    host.send('SIGINT');
    expect(host.exits).toEqual([130]);
    expect(host.lines).toHaveLength(1);
    trap.dispose();
  });

  it('exits by itself when the run does not wind down within the grace period', () => {
    vi.useFakeTimers();
    const host = new FakeProcess();
    const trap = trapStopSignals({ host, graceMs: 400 });
    host.send('SIGTERM');
    vi.advanceTimersByTime(399);
    expect(host.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    expect(host.exits).toEqual([143]);
    expect(host.lines).toEqual(['kmod-enum-detect: interrupted by SIGTERM\n']);
    trap.dispose();
  });

  it('leaves the process alone once disposed', () => {
    const host = new FakeProcess();
    const trap = trapStopSignals({ host });
    trap.dispose();
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) expect(host.listenerCount(sig)).toBe(0);
  });
});
