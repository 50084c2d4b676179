/**
 * Elasticsearch orders keyword terms by their UTF-8 bytes, which is code-point order. JS `<` compares
 * UTF-16 code units, which puts astral characters (surrogates D800–DFFF) before U+E000–U+FFFF. Used
 * wherever the tool must order terms as Elasticsearch does: new_terms candidates (composite
 * aggregation order) and keyword ranges.
 */
export function compareKeywords(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate stands for a code point above U+FFFF: greater than any BMP unit that is not one.
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
