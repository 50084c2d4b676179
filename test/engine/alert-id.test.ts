import { describe, expect, it } from 'vitest';
import { canonicalJson, DERIVED_INDEX, eventIdentity, generateAlertId, newTermsAlertId, queryAlertId } from '../../src/engine/alert-id.js';
import { createHash } from 'node:crypto';

const IDX = 'myFakeSignalIndex';
const DOC = 'd5e8eb51-a6a0-456d-8a15-4b79bfec3d71';
const RULE = '04128c15-0d1b-4716-a4c5-46997ac7f3bd';

describe('newTermsAlertId (Kibana wrap_new_terms_alerts test vectors)', () => {
  it('default space, one term', () => {
    expect(newTermsAlertId(IDX, DOC, 'default', RULE, ['127.0.0.1'], 1)).toBe('a36d9fe6fe4b2f65058fb1a487733275f811af58');
  });
  it('other space', () => {
    expect(newTermsAlertId(IDX, DOC, 'other-space', RULE, ['127.0.0.1'], 1)).toBe('b8143fa480c96c94688bd70871711fcf5478ee95');
  });
  it('other space, other term', () => {
    expect(newTermsAlertId(IDX, DOC, 'other-space', RULE, ['127.0.0.2'], 1)).toBe('9eab1f07709065fa65dd687c2df7a30f4c5f6c9d');
  });
  it('other space, two terms', () => {
    expect(newTermsAlertId(IDX, DOC, 'other-space', RULE, ['127.0.0.1', '127.0.0.2'], 1)).toBe(
      '7d3dfa1c3f6d5dbf5e7a1b069a9707adbdb48948',
    );
  });
  it('hashes the version as the string "undefined" when none was fetched', () => {
    expect(newTermsAlertId(IDX, DOC, 'default', RULE, ['a', 'b'])).not.toBe(newTermsAlertId(IDX, DOC, 'default', RULE, ['a', 'b'], 1));
  });
});

describe('generateAlertId (Kibana rule_types/utils/utils.test.ts vector)', () => {
  it("gives Kibana's expected output", () => {
    expect(generateAlertId('index-123', 'doc-123', 'version-123', 'rule-123')).toBe(
      '10622e7d06c9e38a532e71fc90e3426c1100001fb617aec8cb974075da52db06',
    );
  });
});

describe('queryAlertId (wrap_hits.ts: generateId(_index, _id, String(_version), `${spaceId}:${alertId}`))', () => {
  // Expected values are sha256sum of the concatenated text, computed outside Node, e.g.
  // printf '%s' 'myFakeSignalIndex<doc>1default:<rule>' | sha256sum
  it('default space, version 1', () => {
    expect(queryAlertId(IDX, DOC, 'default', RULE, 1)).toBe('94f67965093dbd8bdf0da64ce72ce22a96ad2effdd2392b6d8455e5f73006bbe');
  });
  it('other space, no version fetched (String(undefined))', () => {
    expect(queryAlertId(IDX, DOC, 'other-space', RULE)).toBe('c76fd0c3503a0dbf5f923680f043880f442fa31ea843c7e33ae770f1d843999d');
  });
});

describe('eventIdentity', () => {
  it('keeps _index and _id from the input', () => {
    expect(eventIdentity({ source: { a: 1 }, index: 'i', id: 'x' })).toEqual({ index: 'i', id: 'x', derived: false });
  });
  it('derives the same id for the same content whatever the key order', () => {
    const a = eventIdentity({ source: { b: { y: 1, x: [2, 'z'] }, a: 'q' } });
    const b = eventIdentity({ source: { a: 'q', b: { x: [2, 'z'], y: 1 } } });
    expect(a).toEqual(b);
    expect(a.index).toBe(DERIVED_INDEX);
    expect(a.id).toBe(createHash('sha1').update('{"a":"q","b":{"x":[2,"z"],"y":1}}').digest('hex'));
  });
  it('derives different ids for different content', () => {
    expect(eventIdentity({ source: { a: 1 } }).id).not.toBe(eventIdentity({ source: { a: 2 } }).id);
  });
  it('canonicalJson sorts keys at every depth', () => {
    expect(canonicalJson({ z: [{ b: 1, a: 2 }], y: null })).toBe('{"y":null,"z":[{"a":2,"b":1}]}');
  });
});
