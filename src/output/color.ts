import { Chalk, type ChalkInstance, type ColorSupportLevel } from 'chalk';

export interface ColorContext {
  /** `--color` (true) / `--no-color` (false); undefined when the user gave neither. */
  flag?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether the stream the colours are meant for is a terminal. */
  isTTY: boolean;
}

/**
 * Decides colour for one stream. Precedence, strongest first:
 *   1. the explicit `--color` / `--no-color` flag: the user asked this run;
 *   2. FORCE_COLOR: `0`/`false` turns colour off, any other value (also empty) turns it on. It
 *      outranks NO_COLOR because it is the more specific request, usually set by a CI config to get
 *      coloured logs despite a user-wide NO_COLOR;
 *   3. NO_COLOR set to a non-empty value turns colour off (no-color.org);
 *   4. otherwise colour when the stream is a terminal that is not TERM=dumb.
 * Returns the chalk level: 0 means no colour.
 */
export function colorLevel(ctx: ColorContext): ColorSupportLevel {
  const { flag, env, isTTY } = ctx;
  const force = env['FORCE_COLOR'];
  if (flag === false) return 0;
  if (flag === true) return forcedLevel(force) || richness(env);
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return 0;
    return forcedLevel(force) || richness(env);
  }
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (!isTTY || env['TERM'] === 'dumb') return 0;
  return richness(env);
}

/** FORCE_COLOR=1|2|3 also names a level; anything else leaves the level to the terminal type. */
function forcedLevel(force: string | undefined): ColorSupportLevel {
  return force === '1' || force === '2' || force === '3' ? (Number(force) as ColorSupportLevel) : 0;
}

function richness(env: ColorContext['env']): ColorSupportLevel {
  const colorterm = env['COLORTERM'] ?? '';
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  if ((env['TERM'] ?? '').includes('256')) return 2;
  return 1;
}

/** A chalk instance for one stream, independent of chalk's own global detection. */
export function createChalk(ctx: ColorContext): ChalkInstance {
  return new Chalk({ level: colorLevel(ctx) });
}

/** A chalk that never colours (tests, files, pipes). */
export const plainChalk: ChalkInstance = new Chalk({ level: 0 });
