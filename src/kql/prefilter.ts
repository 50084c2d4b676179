/**
 * A literal prefilter derived from a KQL AST: texts of which at least one must appear in the raw
 * bytes of a line for any event in it to match the query. Lines without any of them (and without a
 * JSON escape that could spell one) need not be decoded or parsed.
 *
 * Soundness rests on how JSON writes a string: when a line holds no `\u` escape (and no `\/` where a
 * needle contains `/`), every character has exactly one spelling, the one JSON.stringify gives, so a
 * value equal to (or containing) a text contains that spelling verbatim. Anything this module cannot
 * reason about (negations, ranges, exists, numbers, value-only queries) yields "no requirement", and
 * with no requirement at the top there is no prefilter at all: every line is parsed.
 *
 * The data is plain JSON (no Buffers, no closures) so a Prefilter can be posted to worker threads.
 */
import { WILDCARD_SENTINEL, type KueryNode, type ValueNode } from './ast.js';
import { queryTerm } from './value-term.js';

/** One text a matching line must contain, with the JSON string quotes that must surround it. */
export interface NeedleAtom {
  /** The decoded text (a whole value for a literal, a literal run for a wildcard pattern). */
  text: string;
  /** The text is the start of a JSON string value: the byte before it must be `"`. */
  quoteBefore: boolean;
  /** The text is the end of a JSON string value: the byte after it must be `"`. */
  quoteAfter: boolean;
  /** The field the text came from (for the selectivity prior only); null when unknown. */
  field: string | null;
}

/** What the query demands of a line's bytes; `allOf` means every part holds, so any one part may be searched. */
export type Requirement =
  | { kind: 'atom'; atom: NeedleAtom }
  | { kind: 'anyOf'; parts: Requirement[] }
  | { kind: 'allOf'; parts: Requirement[] };

export interface Prefilter {
  /** Everything the query demands (kept so the choice can be redone on a sample of real data). */
  requirement: Requirement;
  /** The chosen set: a line that can match contains one of these (or a JSON escape; see prefilter-scan). */
  needles: NeedleAtom[];
  /**
   * The byte strings (latin1) to search with Buffer.indexOf, chosen on a sample by calibratePrefilter;
   * each needle is found through the first key that is a substring of its spelling (closing quote
   * included), needles no key covers get a key of their own. Absent: a shared-substring default.
   */
  searchKeys?: string[];
}

/** Cost of searching for a set of atoms; lower is better. */
export type AtomCost = (atom: NeedleAtom) => number;

/**
 * The prefilter for a query, or null when the query demands no literal (then every line is parsed).
 * Among the children of an `and`, the cheapest by a static prior is chosen; `calibratePrefilter`
 * redoes the choice on real data.
 */
export function derivePrefilter(ast: KueryNode): Prefilter | null {
  const requirement = requirementOf(ast);
  if (requirement === null) return null;
  return { requirement, needles: chooseNeedles(requirement, staticAtomCost) };
}

/** Redoes the choice among `and` children with `cost` (e.g. hit counts measured on a sample). */
export function choosePrefilter(requirement: Requirement, cost: AtomCost): Prefilter {
  return { requirement, needles: chooseNeedles(requirement, cost) };
}

/** What `node` demands of a line's bytes, or null when it demands nothing usable. */
export function requirementOf(node: KueryNode): Requirement | null {
  switch (node.function) {
    case 'is':
      return isRequirement(node.arguments[0], node.arguments[1]);
    case 'and': {
      const parts: Requirement[] = [];
      for (const child of node.arguments) {
        const r = requirementOf(child);
        if (r !== null) parts.push(r);
      }
      return combine('allOf', parts);
    }
    case 'or': {
      const parts: Requirement[] = [];
      for (const child of node.arguments) {
        const r = requirementOf(child);
        // One alternative that can match without any literal makes the whole `or` literal-free.
        if (r === null) return null;
        parts.push(r);
      }
      return combine('anyOf', parts);
    }
    case 'nested':
      return requirementOf(node.arguments[1]);
    case 'not':
    case 'range':
    case 'exists':
      return null;
    default:
      return null;
  }
}

function combine(kind: 'allOf' | 'anyOf', parts: Requirement[]): Requirement | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0]!;
  return { kind, parts };
}

function fieldName(field: ValueNode): string | null {
  return field.type === 'literal' && typeof field.value === 'string' ? field.value : null;
}

function isRequirement(field: ValueNode, value: ValueNode): Requirement | null {
  // Value-only queries search every field with analysers we do not model: no safe literal.
  if (field.type === 'literal' && field.value === null) return null;
  const name = fieldName(field);
  if (value.type === 'wildcard') return wildcardRequirement(name, value.value);
  // A null literal matches nothing: no line needs reading, but "no requirement" is the sound answer.
  const term = queryTerm(value);
  // Numbers (and strings that read as numbers) may match a JSON number written in another spelling
  // (`5.0`, `50e-1`, `1e21` for "1e+21"), whose bytes need not contain the literal's text.
  if (term === undefined || term === '' || readsAsNumber(term)) return null;
  // `atom` drops the quotes for `true`/`false`, which also match the JSON boolean.
  return atom(name, term, true, true);
}

function wildcardRequirement(field: string | null, pattern: string): Requirement | null {
  const runs = pattern.split(WILDCARD_SENTINEL);
  const parts: Requirement[] = [];
  runs.forEach((whole, i) => {
    let run = whole;
    let quoteBefore = i === 0;
    let quoteAfter = i === runs.length - 1;
    // A wildcard may cut a surrogate pair in two: the half at a run's edge is then no lone surrogate
    // in the value (and no `\u` escape in the line), so it is dropped from the needle.
    if (/^[\udc00-\udfff]/.test(run)) {
      run = run.slice(1);
      quoteBefore = false;
    }
    if (/[\ud800-\udbff]$/.test(run)) {
      run = run.slice(0, -1);
      quoteAfter = false;
    }
    if (run === '' || couldBeInNumberText(run)) return;
    const r = atom(field, run, quoteBefore, quoteAfter);
    if (r !== null) parts.push(r);
  });
  return combine('allOf', parts);
}

function atom(field: string | null, text: string, quoteBefore: boolean, quoteAfter: boolean): Requirement | null {
  // U+FFFD may stand for invalid bytes that a lenient decoder replaced: no fixed spelling.
  if (text.includes('\uFFFD')) return null;
  // `true`/`false` (and their pieces) also match a JSON boolean, which is written without quotes.
  const unquoted = 'true'.includes(text) || 'false'.includes(text);
  return {
    kind: 'atom',
    atom: { text, quoteBefore: quoteBefore && !unquoted, quoteAfter: quoteAfter && !unquoted, field },
  };
}

function readsAsNumber(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/** Every character can occur in String(n) for some finite number n (digits, sign, point, exponent). */
function couldBeInNumberText(run: string): boolean {
  return /^[0-9.e+-]+$/.test(run);
}

function atomKey(a: NeedleAtom): string {
  return `${a.quoteBefore ? '"' : ''}${JSON.stringify(a.text)}${a.quoteAfter ? '"' : ''}`;
}

function chooseNeedles(req: Requirement, cost: AtomCost): NeedleAtom[] {
  return [...choose(req, cost).atoms.values()];
}

interface Choice {
  atoms: Map<string, NeedleAtom>;
  cost: number;
}

function choose(req: Requirement, cost: AtomCost): Choice {
  switch (req.kind) {
    case 'atom':
      return { atoms: new Map([[atomKey(req.atom), req.atom]]), cost: cost(req.atom) };
    case 'anyOf': {
      const atoms = new Map<string, NeedleAtom>();
      for (const part of req.parts) for (const [k, a] of choose(part, cost).atoms) atoms.set(k, a);
      let total = 0;
      for (const a of atoms.values()) total += cost(a);
      return { atoms, cost: total };
    }
    case 'allOf': {
      let best: Choice | undefined;
      for (const part of req.parts) {
        const c = choose(part, cost);
        if (best === undefined || c.cost < best.cost) best = c;
      }
      return best!;
    }
  }
}

/**
 * ECS fields whose values are a small vocabulary repeated on nearly every event of a source
 * (categorisation fields, OS, agent, data stream): their values are poor needles whatever the query.
 */
const LOW_CARDINALITY_FIELD =
  /^(event\.(kind|category|type|outcome|action|module|dataset|provider)|host\.os\.|agent\.type|data_stream\.|ecs\.version|input\.type)/;

/**
 * A prior without data: short texts and texts without surrounding quotes are found more often, and
 * values of low-cardinality ECS fields occur in most lines. Data-driven costs replace this in
 * `calibratePrefilter`.
 */
export function staticAtomCost(a: NeedleAtom): number {
  const len = Buffer.byteLength(a.text, 'utf8');
  let c = 1 + 12 / Math.max(1, len);
  if (!a.quoteBefore && !a.quoteAfter) c *= 2;
  if (a.field !== null && LOW_CARDINALITY_FIELD.test(a.field)) c *= 16;
  return c;
}
