/** Input files for the threads tests: multi-MB, with problem lines sprinkled where any cut may land. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus } from '../bench/gen-corpus.js';

/**
 * Lines that must keep their accounting and line numbers when they land in any piece: truncated,
 * binary, foreign, not an object, blank, CRLF, a BOM that is not at the start of the file, escaped
 * rule literals, a line holding a literal but cut off.
 */
const SPRINKLES = [
  '{"event":{"category":"process","type":"start","action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"\\u006csmod","parent":{"name":"bash"}},"@timestamp":"2024-05-13T10:00:00Z"}\r',
  '',
  '{"truncated": "lsmod',
  '{"process":{"name":"bash"},"cut":"off',
  '\u0000\u0001binary\u00ff',
  '# a comment someone left in the export',
  '[1,2,3]',
  '\ufeff{"event":{"category":"process"},"process":{"name":"lsmod"}}',
  '   ',
  '{"event.category":"process","event.type":"start","event.action":"exec_event","host.os.type":"linux","process.name":"modinfo","@timestamp":"2024-05-13T11:00:00Z"}',
];

export interface TestFiles {
  /** ~10 MB: generated events, demo copies (new_terms ties decided by input order), problem lines; no final newline. */
  big: string;
  /** Generated events with one cut-off line at line 2001, far from the first piece. */
  lateBadLine: string;
}

export async function writeTestFiles(dir: string): Promise<TestFiles> {
  const corpus = join(dir, 'corpus.ndjson');
  await generateCorpus({ events: 2500, seed: 11, out: corpus });
  const generated = readFileSync(corpus, 'utf8').split('\n').filter((l) => l !== '');
  const demo = readFileSync('fixtures/demo/events.ndjson', 'utf8').replace(/\n$/, '').split('\n');
  const out: string[] = [];
  for (let k = 0; k < 10; k++) {
    out.push(...generated.slice(k * 250, (k + 1) * 250));
    out.push(...demo);
    out.push(...SPRINKLES.slice(0, 1 + (k % SPRINKLES.length)));
  }
  const big = join(dir, 'big.ndjson');
  // No final newline: the last line must be flushed by the last piece only.
  writeFileSync(big, out.join('\n'));
  const lateBadLine = join(dir, 'late-bad-line.ndjson');
  writeFileSync(lateBadLine, `${[...generated.slice(0, 2000), '{"process":{"name":"lsmod"},"cut":"off', ...generated.slice(2000)].join('\n')}\n`);
  return { big, lateBadLine };
}
