import { describe, expect, it } from 'vitest';
import { applyTransform, pythonCompactJson, safeSubstitute } from '../../src/rule/toml-transform.js';
import { parseRule } from '../../src/rule/load.js';

describe('[transform] rendered into the note as the detection-rules build does', () => {
  it('writes each osquery entry as !{osquery{json}} with sorted keys and no spaces, in place of $osquery_N', () => {
    const note = '- $osquery_0\n- ${osquery_1}\n';
    const transform = { osquery: [{ query: 'SELECT * FROM users WHERE username = {{user.name}}', label: 'Users' }, { label: 'Ports', query: 'SELECT port FROM listening_ports' }] };
    expect(applyTransform(note, transform)).toBe(
      '- !{osquery{"label":"Users","query":"SELECT * FROM users WHERE username = {{user.name}}"}}\n- !{osquery{"label":"Ports","query":"SELECT port FROM listening_ports"}}\n',
    );
  });

  it('follows string.Template.safe_substitute: $$ is $, unknown names and lone $ stay', () => {
    expect(safeSubstitute('cost $$5, $unknown, ${x}, $ alone, $1', new Map([['x', 'X']]))).toBe('cost $5, $unknown, X, $ alone, $1');
  });

  it('escapes non-ASCII as json.dumps does by default (ensure_ascii)', () => {
    expect(pythonCompactJson({ b: 'é\u007f', a: [true, { d: 1, c: '"' }] })).toBe('{"a":[true,{"c":"\\"","d":1}],"b":"\\u00e9\\u007f"}');
  });

  it('leaves an empty note alone and applies through the TOML loader, with the [transform] table honoured', () => {
    expect(applyTransform('', { osquery: [{ label: 'a', query: 'b' }] })).toBe('');
    const toml = `[transform]\n[[transform.investigate]]\nlabel = "Alerts"\nproviders = [[{excluded = false, field = "host.name", queryType = "phrase", value = "{{host.name}}", valueType = "string"}]]\n\n[rule]\nrule_id = "r"\nname = "T"\ntype = "query"\nquery = "a:b"\nindex = ["x"]\nseverity = "low"\nrisk_score = 1\ndescription = "d"\nnote = "see $investigate_0"\n`;
    const { rule, parameters } = parseRule(toml, 'r.toml');
    expect(rule.note).toBe('see !{investigate{"label":"Alerts","providers":[[{"excluded":false,"field":"host.name","queryType":"phrase","value":"{{host.name}}","valueType":"string"}]]}}');
    expect(parameters.find((f) => f.path === 'transform')?.treatment).toBe('honoured');
  });
});
