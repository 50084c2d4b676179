/**
 * `kql parse` and `kql match` end to end (issue 2 item 7): the AST on stdout, errors with a caret
 * on stderr; a `jq select`-like filter that prints input lines unchanged, in input order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { and, is, lit, not, or, range, V210_AST, wc } from '../kql/helpers/ast.js';
import { DEMO, lineRef, once, readFixture, ROOT, runCli, SHAPES, STACK_FRAME, tempDir } from './run-cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const V210_QUERY = (JSON.parse(readFixture('src/rule/builtin/2d8043ed-5bda-4caf-801c-c1feb7410504_210.json').toString('utf8')) as { attributes: { query: string } })
  .attributes.query;

/** A file's lines as byte buffers, without their LF (a CR before it stays), like the CLI's output lines. */
function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, start)) {
    out.push(buf.subarray(start, i));
    start = i + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

describe('kql parse', () => {
  it.each([
    ['process.name:lsmod', is('process.name', 'lsmod')],
    ['process.name:ls*', is('process.name', wc('ls*'))],
    ['process.name:"ls*"', is('process.name', lit('ls*', true))],
    ['process.args:(-a or --all)', or(is('process.args', '-a'), is('process.args', '--all'))],
    ['not process.parent.name:dkms and process.pid >= 10', and(not(is('process.parent.name', 'dkms')), range('process.pid', 'gte', '10'))],
  ])('prints the Kibana AST of %s as JSON on stdout, exit 0', async (query, ast) => {
    const r = await runCli(['kql', 'parse', query]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(ast);
    expect(r.stderr).toBe('');
  });

  it('keeps unquoted numbers as text, as the modern Kibana grammar does', async () => {
    const r = await runCli(['kql', 'parse', 'process.pid:10']);
    expect(JSON.parse(r.stdout)).toEqual(is('process.pid', lit('10')));
  });

  it('prints a field-less query’s AST on stdout and its warning on stderr only', async () => {
    const r = await runCli(['kql', 'parse', 'lsmod']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(is(null, 'lsmod'));
    expect(r.stderr).toMatch(/^warning: .*"lsmod" has no field/m);
  });

  it('prints the AST of the v210 rule query', async () => {
    const r = await runCli(['kql', 'parse', V210_QUERY]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(V210_AST);
  });

  it('on a bad query exits 2 with the position and a caret line on stderr, nothing on stdout, no stack trace', async () => {
    const r = await runCli(['kql', 'parse', 'process.name:(lsmod']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('line 1, column 20');
    const errLines = r.stderr.split('\n');
    const echo = errLines.indexOf('process.name:(lsmod');
    expect(echo).toBeGreaterThanOrEqual(0);
    expect(errLines[echo + 1]).toBe(`${'-'.repeat(19)}^`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses 10,000 nested parentheses with a clear error, not a stack overflow', async () => {
    const r = await runCli(['kql', 'parse', `${'('.repeat(10_000)}a:b${')'.repeat(10_000)}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/nested/);
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|internal error/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('quotes at most 200 characters of a 20 KB query around the error, caret under the spot', async () => {
    const r = await runCli(['kql', 'parse', `${'('.repeat(10_000)}a:b${')'.repeat(10_000)}`]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(r.stderr.length).toBeLessThan(1000);
    const caret = lines.findIndex((l) => /^-*\^$/.test(l));
    expect(caret).toBeGreaterThan(0);
    const quoted = lines[caret - 1]!;
    expect(quoted.length).toBeLessThanOrEqual(200);
    expect(quoted).toMatch(/^….*…$/);
    expect(quoted[lines[caret]!.length - 1]).toBe('(');
  });
});

describe('kql match', () => {
  const Q = 'process.name:(lsmod or modinfo)';
  const demoLines = lines(readFixture(DEMO));
  const byFile = once(() => runCli(['kql', 'match', Q, DEMO]));

  it('prints the matching lines byte for byte, in input order, exit 0', async () => {
    const r = await byFile();
    expect(r.code).toBe(0);
    const printed = lines(r.stdoutBytes);
    expect(printed.length).toBeGreaterThan(10);
    // Every printed line is an input line, and they come in the input's order.
    let at = -1;
    for (const line of printed) {
      const next = demoLines.findIndex((l, i) => i > at && l.equals(line));
      expect(next).toBeGreaterThan(at);
      at = next;
    }
    for (const line of printed) expect(line.toString('utf8')).toMatch(/"name":"(lsmod|modinfo)"|"process.name":"(lsmod|modinfo)"/);
  });

  it('prints exactly the lines that the query matches (the same query in a negated run prints the rest)', async () => {
    const [yes, no] = await Promise.all([byFile(), runCli(['kql', 'match', `not (${Q})`, DEMO])]);
    const parsable = demoLines.filter((l) => {
      try {
        return typeof JSON.parse(l.toString('utf8')) === 'object';
      } catch {
        return false;
      }
    });
    // Line 151 is an array (not an event): neither query prints it.
    expect(lines(yes.stdoutBytes).length + lines(no.stdoutBytes).length).toBe(parsable.length - 1);
  });

  it('reads stdin when no file is given and prints the same bytes', async () => {
    const r = await runCli(['kql', 'match', Q], { input: readFixture(DEMO) });
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.equals((await byFile()).stdoutBytes)).toBe(true);
  });

  it('keeps CRLF line ends of the input', async () => {
    const file = `${SHAPES}/crlf-bom.ndjson`;
    const r = await runCli(['kql', 'match', 'process.name:*', file]);
    expect(r.code).toBe(0);
    const input = lines(readFixture(file));
    const printed = lines(r.stdoutBytes);
    expect(printed).toHaveLength(3);
    // The BOM opens the file, not the first line; the last line had no newline and has one now.
    const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(input[0]!.subarray(0, 3).equals(BOM)).toBe(true);
    expect(printed[0]!.equals(input[0]!.subarray(3))).toBe(true);
    expect(printed[1]!.equals(input[1]!)).toBe(true);
    expect(printed[1]!.at(-1)).toBe(0x0d);
    expect(printed[2]!.equals(input[2]!)).toBe(true);
  });

  it('exits 0 with nothing on stdout when nothing matches', async () => {
    const r = await runCli(['kql', 'match', 'process.name:nothing-matches-this', DEMO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/0 matching records printed; 284 lines read/);
  });

  it('reports bad lines on stderr as file:line: what and carries on; --quiet drops the summary only', async () => {
    const [loud, quiet] = await Promise.all([byFile(), runCli(['kql', 'match', '--quiet', Q, DEMO])]);
    for (const r of [loud, quiet]) {
      for (const line of [61, 151, 231]) expect(r.stderr).toMatch(lineRef(DEMO, line));
    }
    expect(loud.stderr).toMatch(/kql match: \d+ matching records? printed; 284 lines read/);
    expect(quiet.stderr).not.toMatch(/lines read/);
    expect(quiet.stdoutBytes.equals(loud.stdoutBytes)).toBe(true);
  });

  it('--strict stops at the first bad line with exit 2 naming file:line', async () => {
    const r = await runCli(['kql', 'match', '--strict', Q, DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${DEMO}:61:`);
  });

  it('exits 2 on a bad query, with the caret line and nothing on stdout', async () => {
    const r = await runCli(['kql', 'match', 'process.name:(', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\n-*\^\n/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('exits 2 naming an input that cannot be read', async () => {
    const missing = tmp.path('missing.ndjson');
    const r = await runCli(['kql', 'match', Q, missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('reads gzip input and prints the decompressed lines', async () => {
    const [gz, plain] = await Promise.all([
      runCli(['kql', 'match', '-q', 'process.name:*', `${SHAPES}/events.ndjson.gz`]),
      runCli(['kql', 'match', '-q', 'process.name:*', `${SHAPES}/hits.ndjson`]),
    ]);
    expect(gz.code).toBe(0);
    expect(gz.stdout).toBe(plain.stdout);
  });

  it('matches events of every line shape, keyed by field, including dotted keys', async () => {
    const file = tmp.path('mixed.ndjson');
    writeFileSync(file, ['{"process.name":"lsmod"}', '{"process":{"name":"bash"}}', '{"_index":"x","_id":"1","_source":{"process":{"name":"modinfo"}}}', ''].join('\n'));
    const r = await runCli(['kql', 'match', '-q', Q, file]);
    expect(r.stdout).toBe('{"process.name":"lsmod"}\n{"_index":"x","_id":"1","_source":{"process":{"name":"modinfo"}}}\n');
  });
});

describe('kql match on containers of events', () => {
  const Q = 'process.name:(lsmod or modinfo)';
  it('prints each matching value of a pretty-printed es_archiver file on one line', async () => {
    const r = await runCli(['kql', 'match', 'process.name:lsmod', `${SHAPES}/es-archiver.json`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((v) => v !== '');
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]!) as { type: string; value: { source: { process: { name: string } } } };
    expect(doc.type).toBe('doc');
    expect(doc.value.source.process.name).toBe('lsmod');
    expect(r.stderr).toMatch(/1 matching record printed/);
  });

  it('prints only the matching hits of a search response, one per line, like jq -c select', async () => {
    const file = tmp.path('response.ndjson');
    const hit = (id: string, name: string) => ({ _index: 'logs-endpoint.events.process-default', _id: id, _score: null, _source: { process: { name } } });
    const response = { took: 3, hits: { total: { value: 4 }, hits: [hit('a', 'lsmod'), hit('b', 'bash'), hit('c', 'modinfo'), hit('d', 'ls')] } };
    writeFileSync(file, `${JSON.stringify(response)}\n${JSON.stringify(hit('e', 'lsmod'))}\n`);
    const r = await runCli(['kql', 'match', Q, file]);
    expect(r.stdout.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { _id: string })._id)).toEqual(['a', 'c', 'e']);
    expect(JSON.parse(r.stdout.split('\n')[0]!)).toEqual(hit('a', 'lsmod'));
    expect(r.stderr).toMatch(/3 matching records printed/);
  });

  it('--count prints the number of matching records only', async () => {
    const [count, lines] = await Promise.all([runCli(['kql', 'match', '--count', Q, DEMO]), runCli(['kql', 'match', Q, DEMO])]);
    expect(count.stdout).toBe(`${lines.stdout.split('\n').filter((l) => l !== '').length}\n`);
    expect(count.code).toBe(0);
  });
});
