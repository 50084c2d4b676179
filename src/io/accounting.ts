/**
 * Every line read is accounted for, per file and in total:
 *
 *   read = evaluated + skippedByIndex + blank + malformed + prefiltered        (lines)
 *
 * A line is `evaluated` when it decoded and at least one of its events passed the index filter (or
 * it decoded to no events at all, e.g. a search response with empty hits), `skippedByIndex` when it
 * decoded but every event it held was outside the rule's index patterns, `prefiltered` when a
 * prefilter passed over it and the structural check found nothing wrong. For a pretty-printed file
 * read as concatenated JSON values (es_archiver), each physical line of a value gets the value's
 * outcome, so `read` is still the file's line count.
 *
 * Events are counted apart, because one line may hold many (a search response):
 *
 *   events = eventsEvaluated + eventsSkippedByIndex
 */
import { InputError } from './errors.js';

/** Why a line (or pretty-printed value) could not be used. */
export type MalformedKind = 'invalid-json' | 'not-an-object' | 'invalid-utf8' | 'too-long' | 'truncated';

export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'invalid-json',
  'not-an-object',
  'invalid-utf8',
  'too-long',
  'truncated',
];

export type LineOutcome = 'evaluated' | 'skippedByIndex' | 'blank' | 'malformed' | 'prefiltered';

/** Event shapes recognised (see shapes.ts), counted per event. */
export type ShapeName = 'bare' | 'hit' | 'fields-hit' | 'search-response' | 'es-archiver';

/** Line and event counts for one file or in total (see the identities at the top of this module). */
export interface Counts {
  read: number;
  evaluated: number;
  skippedByIndex: number;
  blank: number;
  malformed: number;
  prefiltered: number;
  malformedByKind: Record<MalformedKind, number>;
  events: number;
  eventsEvaluated: number;
  eventsSkippedByIndex: number;
  eventsByShape: Partial<Record<ShapeName, number>>;
}

/** One bad line, as `file:line[:column]: what`. */
export interface Problem {
  file: string;
  line: number;
  /** 1-based column where the parser gave up, when it said. */
  column?: number;
  kind: MalformedKind;
  what: string;
}

/** Plain data, so a worker thread can send its part back for `merge`. */
export interface AccountingSnapshot {
  total: Counts;
  files: Array<[string, Counts]>;
  problems: Problem[];
}

export interface AccountingOptions {
  /** Throw an `InputError` at the first problem instead of counting it. */
  strict?: boolean;
  /** How many problems to keep as text (all are counted). Default 10. */
  maxProblems?: number;
}

export function emptyCounts(): Counts {
  return {
    read: 0,
    evaluated: 0,
    skippedByIndex: 0,
    blank: 0,
    malformed: 0,
    prefiltered: 0,
    malformedByKind: { 'invalid-json': 0, 'not-an-object': 0, 'invalid-utf8': 0, 'too-long': 0, truncated: 0 },
    events: 0,
    eventsEvaluated: 0,
    eventsSkippedByIndex: 0,
    eventsByShape: {},
  };
}

function addCounts(into: Counts, from: Counts): void {
  into.read += from.read;
  into.evaluated += from.evaluated;
  into.skippedByIndex += from.skippedByIndex;
  into.blank += from.blank;
  into.malformed += from.malformed;
  into.prefiltered += from.prefiltered;
  for (const k of MALFORMED_KINDS) into.malformedByKind[k] += from.malformedByKind[k];
  into.events += from.events;
  into.eventsEvaluated += from.eventsEvaluated;
  into.eventsSkippedByIndex += from.eventsSkippedByIndex;
  for (const [k, v] of Object.entries(from.eventsByShape) as Array<[ShapeName, number]>) {
    into.eventsByShape[k] = (into.eventsByShape[k] ?? 0) + v;
  }
}

/** `file:line: what`, the form problems are shown in. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}: ${p.what}`;
}

/**
 * Where every input line went, per file and in total (see the identities above), with the first
 * problems kept as `file:line: what`; `strict` turns the first problem into an `InputError`.
 */
export class Accounting {
  readonly total: Counts = emptyCounts();
  private readonly perFile = new Map<string, Counts>();
  private readonly kept: Problem[] = [];
  /** Throw at the first problem; `readEvents({strict})` switches it on. */
  strict: boolean;
  readonly maxProblems: number;

  constructor(opts: AccountingOptions = {}) {
    this.strict = opts.strict ?? false;
    this.maxProblems = opts.maxProblems ?? 10;
  }

  /** Counts for one file (created empty on first use, so a file with no lines still shows up). */
  file(name: string): Counts {
    let c = this.perFile.get(name);
    if (!c) {
      c = emptyCounts();
      this.perFile.set(name, c);
    }
    return c;
  }

  get files(): ReadonlyMap<string, Counts> {
    return this.perFile;
  }

  /** The first `maxProblems` problems, in reading order. */
  get problems(): readonly Problem[] {
    return this.kept;
  }

  /** `file:line: what` for each kept problem. */
  problemLines(): string[] {
    return this.kept.map(formatProblem);
  }

  /** Records `n` lines with one outcome (not for malformed lines: use `malformed`). */
  lines(file: string, outcome: Exclude<LineOutcome, 'malformed'>, n = 1): void {
    const f = this.file(file);
    f.read += n;
    f[outcome] += n;
    this.total.read += n;
    this.total[outcome] += n;
  }

  /**
   * Records a bad record starting at `line` and spanning `n` physical lines. In strict mode this
   * throws instead (nothing is counted, the run stops).
   */
  malformed(file: string, line: number, kind: MalformedKind, what: string, n = 1, column?: number): void {
    if (this.strict) throw new InputError(kind, file, what, line, column);
    const f = this.file(file);
    for (const c of [f, this.total]) {
      c.read += n;
      c.malformed += n;
      c.malformedByKind[kind] += n;
    }
    if (this.kept.length < this.maxProblems) this.kept.push(column === undefined ? { file, line, kind, what } : { file, line, column, kind, what });
  }

  /** Records events decoded from a line: how many passed the index filter, and their shape. */
  events(file: string, shape: ShapeName, evaluated: number, skipped: number): void {
    for (const c of [this.file(file), this.total]) {
      c.events += evaluated + skipped;
      c.eventsEvaluated += evaluated;
      c.eventsSkippedByIndex += skipped;
      c.eventsByShape[shape] = (c.eventsByShape[shape] ?? 0) + evaluated + skipped;
    }
  }

  snapshot(): AccountingSnapshot {
    const copy = (c: Counts): Counts => {
      const out = emptyCounts();
      addCounts(out, c);
      return out;
    };
    return {
      total: copy(this.total),
      files: [...this.perFile].map(([k, v]) => [k, copy(v)]),
      problems: [...this.kept],
    };
  }

  /** Adds another accounting's counts (e.g. a worker's, merged back in batch order). */
  merge(other: AccountingSnapshot): void {
    addCounts(this.total, other.total);
    for (const [name, c] of other.files) addCounts(this.file(name), c);
    for (const p of other.problems) {
      if (this.kept.length >= this.maxProblems) break;
      this.kept.push(p);
    }
  }
}
