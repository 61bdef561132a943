/**
 * The history state a button carries: round-trips, fits a Slack button value at its largest,
 * and anything a client could have changed into something we would not write decodes to null.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeHistoryState,
  encodeHistoryState,
  encodePaging,
} from '../../adapters/chat/history-state.ts';
import { type HistoryState, MAX_CURSORS } from '../../bot/core/usecases/history-paging.ts';

const GUID = '6b2e9f4a-0000-4000-8000-00000000a11c';
const cursor = (i: number) => `${1_795_000_000_000 + i}:R${String(i).padStart(25, '0')}`;

describe('history state on the wire', () => {
  it('round-trips every subject', () => {
    const states: HistoryState[] = [
      { subject: { kind: 'me' }, roleId: null, since: null, page: 1, cursors: [] },
      {
        subject: { kind: 'all' },
        roleId: GUID,
        since: 1_795_000_000_000,
        page: 2,
        cursors: [cursor(1)],
      },
      {
        subject: { kind: 'user', id: GUID },
        roleId: null,
        since: 0,
        page: 3,
        cursors: [cursor(1), cursor(2)],
      },
    ];
    for (const s of states) expect(decodeHistoryState(encodeHistoryState(s))).toEqual(s);
  });

  it('fits a Slack button value (2000 characters) at its largest', () => {
    const largest: HistoryState = {
      subject: { kind: 'user', id: 'x'.repeat(100) },
      roleId: 'y'.repeat(100),
      since: 1_795_000_000_000,
      page: 1_000_000,
      cursors: Array.from({ length: MAX_CURSORS }, (_, i) =>
        `${'9'.repeat(15)}:${'R'.repeat(40)}${i}`.slice(0, 56),
      ),
    };
    const encoded = encodeHistoryState(largest);
    expect(decodeHistoryState(encoded)).toEqual(largest);
    expect(encoded.length).toBeLessThanOrEqual(2000);
  });

  it.each([
    ['not JSON', 'R0000042'],
    ['a number', 42],
    ['empty', ''],
    ['an unknown version', '{"v":2,"s":"me","r":null,"t":null,"p":1,"c":[]}'],
    ['an unknown subject', '{"v":1,"s":"everyone","r":null,"t":null,"p":1,"c":[]}'],
    ['an empty user id', '{"v":1,"s":"u:","r":null,"t":null,"p":1,"c":[]}'],
    ['a page 2 without its cursor', '{"v":1,"s":"all","r":null,"t":null,"p":2,"c":[]}'],
    ['page 1 with a cursor', '{"v":1,"s":"all","r":null,"t":null,"p":1,"c":["1:R1"]}'],
    ['a malformed cursor', '{"v":1,"s":"all","r":null,"t":null,"p":2,"c":["R1"]}'],
    ['an extra key', '{"v":1,"s":"me","r":null,"t":null,"p":1,"c":[],"admin":true}'],
    ['a fractional page', '{"v":1,"s":"me","r":null,"t":null,"p":1.5,"c":[]}'],
    [
      'too many cursors',
      JSON.stringify({
        v: 1,
        s: 'me',
        r: null,
        t: null,
        p: 99,
        c: Array.from({ length: MAX_CURSORS + 1 }, (_, i) => `${i}:R${i}`),
      }),
    ],
    ['too long', `{"v":1,"s":"me","r":null,"t":null,"p":1,"c":[]}${' '.repeat(2000)}`],
  ])('refuses %s', (_, raw) => {
    expect(decodeHistoryState(raw)).toBeNull();
  });

  it('encodes only the buttons there are', () => {
    const s: HistoryState = {
      subject: { kind: 'me' },
      roleId: null,
      since: null,
      page: 1,
      cursors: [],
    };
    expect(encodePaging({ page: 1, previous: null, next: null })).toEqual({
      page: 1,
      previous: null,
      next: null,
    });
    expect(encodePaging({ page: 2, previous: s, next: null }).previous).toBe(encodeHistoryState(s));
  });
});
