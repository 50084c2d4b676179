/**
 * Elasticsearch's `standard` analyzer, the default of `text` and `match_only_text` fields: the
 * standard tokenizer (Unicode Text Segmentation, UAX #29 word boundaries; tokens longer than
 * max_token_length 255 are split at 255) and the lowercase filter (reference: "Standard analyzer",
 * "Standard tokenizer"). Word boundaries come from Intl.Segmenter (ICU's UAX #29), keeping the
 * word-like segments: letters and digits, not spaces or punctuation.
 */
const MAX_TOKEN_LENGTH = 255;

let segmenter: Intl.Segmenter | undefined;

export function standardTokens(text: string): string[] {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    const token = s.segment.toLowerCase();
    for (let i = 0; i < token.length; i += MAX_TOKEN_LENGTH) out.push(token.slice(i, i + MAX_TOKEN_LENGTH));
  }
  return out;
}
