/**
 * The package's public entry (what `import … from 'kmod-enum-detect'` gives, i.e. dist/index.js after
 * the build) holds exactly the designed names, and each of them is documented in dist/index.d.ts.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import * as api from 'kmod-enum-detect';

const RUNTIME_NAMES = [
  'Accounting',
  'BUILTIN_RULE',
  'InputError',
  'KqlSyntaxError',
  'RuleFileError',
  'ScanConfigError',
  'StateFileError',
  'compileKql',
  'createScanner',
  'explainKql',
  'loadRuleFile',
  'loadState',
  'parseKql',
  'readEvents',
  'saveState',
  'scanFiles',
  'toElasticsearchQuery',
  'toKqlExpression',
];

/** Every name dist/index.d.ts exports (values and types), with its documentation comment. */
function declaredExports(): Map<string, string> {
  const file = new URL('../../dist/index.d.ts', import.meta.url).pathname;
  // Our declarations only: no default library or @types, which would cost seconds and say nothing here.
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noLib: true, types: [], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const out = new Map<string, string>();
  for (const sym of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    out.set(sym.getName(), ts.displayPartsToString(target.getDocumentationComment(checker)));
  }
  return out;
}

describe('the public API', () => {
  it('exports exactly the designed runtime names', () => {
    expect(Object.keys(api).sort()).toEqual(RUNTIME_NAMES);
  });

  it('documents every runtime name and every exported type', () => {
    const declared = declaredExports();
    for (const name of RUNTIME_NAMES) expect(declared.has(name), name).toBe(true);
    const undocumented = [...declared].filter(([, doc]) => doc.trim() === '').map(([name]) => name);
    expect(undocumented).toEqual([]);
    expect(declared.size).toBeLessThan(60);
  });

  it('runs a query from text to a verdict through the entry alone', () => {
    const match = api.compileKql(api.BUILTIN_RULE.query);
    const lsmod = {
      event: { category: 'process', type: 'start', action: 'exec' },
      host: { os: { type: 'linux' } },
      process: { name: 'lsmod', parent: { name: 'bash' } },
    };
    expect(match(lsmod)).toBe(true);
    expect(api.explainKql(api.parseKql(api.BUILTIN_RULE.query), lsmod).verdict).toBe(true);
    expect(api.parseKql(api.toKqlExpression(api.parseKql('a:(b or c)')))).toEqual(api.parseKql('a:(b or c)'));
    expect(() => api.parseKql('a:(b or')).toThrow(api.KqlSyntaxError);
  });
});
