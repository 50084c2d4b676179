/**
 * Field types on Elastic's own rules: for every kuery rule (query and new_terms) of a detection-rules
 * checkout, which fields its query touches that ECS does not type as a keyword, and whether the query
 * compiles with ECS's types (a clause Elasticsearch would refuse for its field's type fails here).
 *
 *   npx tsx test/real-rules/measure.ts <detection-rules>/rules [<more dirs>…] [--sample FILE]
 *
 * The corpus is read from a temporary checkout, never committed. `--sample FILE` writes the queries
 * that touch non-keyword fields (JSON lines: rule_id, query) for the committed sample CI compiles
 * (test/real-rules/sample-queries.ndjson, test/real-rules/sample.test.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseKql } from '../../src/kql/parse.js';
import { compileKql } from '../../src/kql/compile.js';
import { queryFields } from '../../src/kql/query-fields.js';
import { KqlTypeError } from '../../src/kql/typed-clauses.js';
import { ecsFieldTypes, fieldTypeTable } from '../../src/ecs/field-types.js';

function* tomlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tomlFiles(p);
    else if (name.endsWith('.toml')) yield p;
  }
}

export interface Measurement {
  kueryRules: number;
  unparsable: number;
  touchingNonKeyword: number;
  touchingConstantKeyword: number;
  byType: Record<string, number>;
  compiled: number;
  refused: Array<{ rule_id: string; message: string }>;
  sample: Array<{ rule_id: string; query: string; types: string[] }>;
}

export function measure(queries: Iterable<{ rule_id: string; query: string }>): Measurement {
  const types = ecsFieldTypes();
  const m: Measurement = { kueryRules: 0, unparsable: 0, touchingNonKeyword: 0, touchingConstantKeyword: 0, byType: {}, compiled: 0, refused: [], sample: [] };
  for (const { rule_id, query } of queries) {
    m.kueryRules++;
    let ast;
    try {
      ast = parseKql(query);
    } catch {
      m.unparsable++;
      continue;
    }
    const table = fieldTypeTable(types, queryFields(ast));
    // constant_keyword matches as a keyword does (one value per index): counted apart.
    if (Object.values(table).some((t) => t.type === 'constant_keyword')) m.touchingConstantKeyword++;
    const nonKeyword = Object.values(table).filter((t) => (t.type !== 'keyword' && t.type !== 'constant_keyword') || t.normalizer !== undefined);
    if (nonKeyword.length > 0) {
      m.touchingNonKeyword++;
      for (const t of new Set(nonKeyword.map((x) => x.type))) m.byType[t] = (m.byType[t] ?? 0) + 1;
      m.sample.push({ rule_id, query, types: [...new Set(nonKeyword.map((x) => x.type))] });
    }
    try {
      compileKql(ast, { fieldTypes: table });
      m.compiled++;
    } catch (e) {
      if (!(e instanceof KqlTypeError)) throw e;
      m.refused.push({ rule_id, message: e.message });
    }
  }
  return m;
}

function* kueryRules(dirs: readonly string[]): Generator<{ rule_id: string; query: string }> {
  for (const dir of dirs) {
    for (const file of tomlFiles(dir)) {
      const doc = parseToml(readFileSync(file, 'utf8')) as { rule?: Record<string, unknown> };
      const r = doc.rule;
      if (!r || (r['type'] !== 'query' && r['type'] !== 'new_terms') || (r['language'] ?? 'kuery') !== 'kuery') continue;
      if (typeof r['query'] !== 'string') continue;
      yield { rule_id: String(r['rule_id']), query: r['query'] };
    }
  }
}

if (process.argv[1]?.endsWith('measure.ts')) {
  const args = process.argv.slice(2);
  const sampleAt = args.indexOf('--sample');
  const sampleFile = sampleAt >= 0 ? args[sampleAt + 1] : undefined;
  const dirs = args.filter((_, i) => i !== sampleAt && i !== sampleAt + 1);
  const m = measure(kueryRules(dirs));
  const { sample, ...report } = m;
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (sampleFile !== undefined) {
    // Up to 8 queries per non-keyword type, first by rule_id: a small, stable sample for CI.
    const picked = new Map<string, (typeof sample)[number]>();
    for (const t of Object.keys(m.byType).sort()) {
      for (const s of sample.filter((x) => x.types.includes(t)).sort((a, b) => a.rule_id.localeCompare(b.rule_id)).slice(0, 8)) picked.set(s.rule_id, s);
    }
    writeFileSync(sampleFile, [...picked.values()].map(({ rule_id, query }) => JSON.stringify({ rule_id, query })).join('\n') + '\n');
  }
}
