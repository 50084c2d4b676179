import type { OutputSink } from './sink.js';
import { summaryToObject } from './summary.js';
import type { AlertDocument, Formatter, ScanTail } from './types.js';

const INDENT = '    ';

// JSON strings cannot hold raw newlines, so every newline in stringified output is layout.
function indented(value: unknown, prefix: string): string {
  return prefix + JSON.stringify(value, null, 2).replace(/\n/g, '\n' + prefix);
}

/**
 * `--format json`: one document `{alerts, summary, warnings, errors}`. Alerts are streamed into the
 * `alerts` array as they come, so memory does not grow with their number; the rest is written at
 * the end. Summary sections become `{section_key: {row_key: value}}`.
 */
export function createJsonFormatter(opts: { sink: OutputSink }): Formatter {
  const { sink } = opts;
  let begun = false;
  let count = 0;

  const begin = async (): Promise<void> => {
    if (begun) return;
    begun = true;
    await sink.write('{\n  "alerts": [');
  };

  return {
    begin,
    async alert(doc: AlertDocument) {
      await begin();
      await sink.write((count++ === 0 ? '\n' : ',\n') + indented(doc, INDENT));
    },
    async end(tail: ScanTail) {
      await begin();
      const rest = JSON.stringify({ summary: summaryToObject(tail.summary), warnings: tail.warnings, errors: tail.errors }, null, 2);
      // `rest` is `{\n  "summary": …\n}`: splice its members after the alerts array.
      await sink.write((count === 0 ? ']' : '\n  ]') + ',\n' + rest.slice(2));
      await sink.write('\n');
    },
  };
}
