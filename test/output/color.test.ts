import { describe, expect, it } from 'vitest';
import { colorLevel, createChalk } from '../../src/output/color.js';

const tty = { isTTY: true, env: {} };
const pipe = { isTTY: false, env: {} };

describe('colour precedence: flag > FORCE_COLOR > NO_COLOR > TTY', () => {
  it('follows the terminal when nothing is set', () => {
    expect(colorLevel(tty)).toBeGreaterThan(0);
    expect(colorLevel(pipe)).toBe(0);
    expect(colorLevel({ isTTY: true, env: { TERM: 'dumb' } })).toBe(0);
  });

  it('honours NO_COLOR over a terminal, but not when empty', () => {
    expect(colorLevel({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(0);
    expect(colorLevel({ isTTY: true, env: { NO_COLOR: '' } })).toBeGreaterThan(0);
  });

  it('lets FORCE_COLOR override NO_COLOR and a pipe, and FORCE_COLOR=0 turn colour off', () => {
    expect(colorLevel({ isTTY: false, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).toBe(1);
    expect(colorLevel({ isTTY: false, env: { FORCE_COLOR: '' } })).toBeGreaterThan(0);
    expect(colorLevel({ isTTY: false, env: { FORCE_COLOR: '3' } })).toBe(3);
    expect(colorLevel({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(0);
    expect(colorLevel({ isTTY: true, env: { FORCE_COLOR: 'false' } })).toBe(0);
  });

  it('lets the explicit flag override everything', () => {
    expect(colorLevel({ flag: false, isTTY: true, env: { FORCE_COLOR: '3' } })).toBe(0);
    expect(colorLevel({ flag: true, isTTY: false, env: { NO_COLOR: '1', FORCE_COLOR: '0' } })).toBeGreaterThan(0);
  });

  it('picks a richer level from the terminal type', () => {
    expect(colorLevel({ isTTY: true, env: { COLORTERM: 'truecolor' } })).toBe(3);
    expect(colorLevel({ isTTY: true, env: { TERM: 'xterm-256color' } })).toBe(2);
    expect(createChalk({ flag: false, isTTY: true, env: {} }).red('x')).toBe('x');
  });
});
