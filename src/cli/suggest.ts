/**
 * "did you mean `scan`?" for a mistyped command. The default command takes file names, so
 * `kmod-enum-detect scna f` would otherwise read `scna` as an input and fail with "no such file".
 * commander suggests for unknown commands, but not when a default command swallows the word, and its
 * suggestion helper is not part of its public API: this is the same measure (optimal string alignment
 * distance, at most 2 edits, as commander's suggestSimilar), on our few command names.
 */

/** Edits (insert, delete, substitute, swap two neighbours) between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const MAX_EDITS = 2;

/** The command `word` was probably meant to be, if one is close enough (and `word` is not one). */
export function suggestCommand(word: string, commands: readonly string[]): string | undefined {
  if (word.length < 2 || commands.includes(word)) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of commands) {
    const distance = editDistance(word.toLowerCase(), name);
    // Similar enough: few edits, and not most of the word (`ab` is not a typo of `dsl`).
    if (distance > MAX_EDITS || distance >= Math.max(word.length, name.length) * 0.6) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}
