/**
 * The record's stored JSON (adapters/redis/record-codec.ts): short keys, values as they were,
 * keys it does not know kept, and plain JSON from earlier versions read as it is.
 */
import { describe, expect, it } from 'vitest';
import { decodeRecordJson, encodeRecordJson } from '../../adapters/redis/record-codec.ts';
import { makeRequest } from '../support/fixtures.ts';

describe('record codec', () => {
  it('round-trips a request, key order included, in far fewer bytes', () => {
    const request = makeRequest({
      reason: 'fixing mail flow for the Amsterdam office after the MX change',
      failure: { code: 'PimDenied', message: 'denied by PIM' },
    });
    const stored = encodeRecordJson(request);
    expect(stored.startsWith('~{"a":')).toBe(true);
    expect(JSON.stringify(decodeRecordJson(stored))).toBe(JSON.stringify(request));
    expect(stored.length).toBeLessThan(JSON.stringify(request).length * 0.75);
  });

  it('keeps keys it has no code for, escaping those that could be read as a code', () => {
    const value = { id: 'R1', later: { x: 1, '~odd': [{ a: null }] }, e: 'single', '': 0 };
    const stored = encodeRecordJson(value);
    expect(stored).toContain('"later":');
    expect(stored).toContain('"~x":1');
    expect(stored).toContain('"~~odd":');
    expect(stored).toContain('"~a":null');
    expect(decodeRecordJson(stored)).toEqual(value);
  });

  it('leaves values alone, also strings that look like keys or codes', () => {
    const value = { reason: '"a":"b" ~{"id":1}', ticket: '~', approvals: [], denial: null };
    expect(decodeRecordJson(encodeRecordJson(value))).toEqual(value);
  });

  it('reads plain JSON as written by earlier versions, and drops undefined as JSON does', () => {
    expect(decodeRecordJson('{"id":"R1","durationSeconds":60}')).toEqual({
      id: 'R1',
      durationSeconds: 60,
    });
    expect(decodeRecordJson(encodeRecordJson({ id: 'R1', stepUp: undefined }))).toEqual({
      id: 'R1',
    });
  });
});
