#!/usr/bin/env python3
"""Derives the field-type tables in src/ecs/field-types/ from published field definitions.

Only the derived table (field -> type, ignore_above, normalizer, multi-fields) is committed; the
definitions themselves are read from a checkout of the source repository, never committed:

  git -C <ecs> show v8.16.0:generated/ecs/ecs_flat.yml \
    | python3 .build/ecs-field-types.py ecs elastic/ecs v8.16.0 <commit> > src/ecs/field-types/ecs.json
  git -C <endpoint-package> show v8.16.0:package/endpoint/data_stream/process/fields/fields.yml \
    | python3 .build/ecs-field-types.py fleet elastic/endpoint-package v8.16.0 <commit> \
        package/endpoint/data_stream/process/fields/fields.yml > src/ecs/field-types/endpoint-process.json
"""
import json
import sys

import yaml


def entry(d):
    out = {'type': d['type']}
    for key, name in (('ignore_above', 'ignore_above'), ('normalizer', 'normalizer'), ('scaling_factor', 'scaling_factor')):
        if d.get(key) is not None:
            out[name] = d[key]
    return out


def from_ecs_flat(doc):
    fields = {}
    for flat, d in doc.items():
        if d['type'] in ('object', 'nested', 'group'):
            continue
        fields[flat] = entry(d)
        for mf in d.get('multi_fields') or []:
            fields[mf['flat_name']] = entry(mf)
    return fields


def from_fleet_fields(items, prefix='', fields=None):
    """Fleet's fields.yml: `group` entries nest `fields`; names may hold dots."""
    fields = {} if fields is None else fields
    for d in items:
        name = prefix + d['name']
        if d.get('type') == 'group' or 'fields' in d:
            from_fleet_fields(d.get('fields') or [], name + '.', fields)
            continue
        t = d.get('type', 'keyword')
        if t in ('object', 'nested', 'flattened') and t != 'flattened':
            continue
        fields[name] = entry({**d, 'type': t})
        for mf in d.get('multi_fields') or []:
            fields[name + '.' + mf['name']] = entry(mf)
    return fields


def main():
    kind, repo, version, commit = sys.argv[1:5]
    path = sys.argv[5] if len(sys.argv) > 5 else 'generated/ecs/ecs_flat.yml'
    doc = yaml.safe_load(sys.stdin)
    fields = from_ecs_flat(doc) if kind == 'ecs' else from_fleet_fields(doc)
    out = {
        'source': {'repository': repo, 'version': version, 'commit': commit, 'path': path},
        'fields': {k: fields[k] for k in sorted(fields)},
    }
    # One field a line, so a regeneration diffs field by field.
    lines = [json.dumps(k) + ':' + json.dumps(v, separators=(',', ':')) for k, v in out['fields'].items()]
    sys.stdout.write('{"source":' + json.dumps(out['source'], separators=(',', ':')) + ',\n"fields":{\n' + ',\n'.join(lines) + '\n}}\n')


main()
