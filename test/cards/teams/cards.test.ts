import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import type { RequestState } from '../../../bot/core/domain/request.ts';
import { appError } from '../../../bot/core/errors.ts';
import type { RequestChange } from '../../../bot/core/ports/notifier.ts';
import {
  alertCard,
  approvalCard,
  type Card,
  errorCard,
  helpCard,
  historyCard,
  outcomeCard,
  requestFormCard,
  rolesCard,
  statusCard,
} from '../../../cards/teams/index.ts';
import { makeRequest } from '../../support/fixtures.ts';

// The schema names itself with draft-04's `id`; Ajv wants `$id`.
const { id, ...schema } = JSON.parse(
  readFileSync('test/schemas/adaptive-card.schema.json', 'utf8'),
) as { id?: string };
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
const validate = ajv.compile({ ...schema, $id: id });

const NOW = Date.UTC(2026, 10, 23, 9);
const ZONE = 'Europe/Amsterdam';
const facts = { maxDuration: 14_400, quorum: 1 };
const bob = { id: 'u-bob', displayName: 'Bob Approver', email: 'bob@contoso.com' };
const STATES: RequestState[] = [
  'pending_approval',
  'approved',
  'denied',
  'canceled',
  'approval_expired',
  'scheduled',
  'activating',
  'active',
  'failed',
  'ended',
];
const CHANGES: RequestChange[] = [
  'submitted',
  'approval_added',
  'approved',
  'denied',
  'canceled',
  'approval_expired',
  'scheduled',
  'activated',
  'failed',
  'extended',
  'reminder',
  'ended',
];

function valid(card: Card): Card {
  const ok = validate(card);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  expect(JSON.stringify(card).length).toBeLessThan(28 * 1024);
  return card;
}
/** The text of every TextBlock, in document order; `color` keeps only blocks of that color. */
function textBlocks(node: unknown, color?: string): string[] {
  if (Array.isArray(node)) return node.flatMap((n) => textBlocks(n, color));
  if (typeof node !== 'object' || node === null) return [];
  const o = node as Record<string, unknown>;
  const own =
    o.type === 'TextBlock' &&
    typeof o.text === 'string' &&
    (color === undefined || o.color === color)
      ? [o.text]
      : [];
  return [...own, ...Object.values(o).flatMap((v) => textBlocks(v, color))];
}
const verbs = (card: Card) =>
  ((card.actions as { verb?: string }[] | undefined) ?? []).map((a) => a.verb);

describe('Teams cards', () => {
  it('approval card: valid in every state, actions only while pending, refresh for approvers', () => {
    for (const state of STATES) {
      const card = valid(
        approvalCard(
          makeRequest({
            id: 'R0000042',
            state,
            denial: state === 'denied' ? { by: bob, at: NOW, reason: 'no' } : null,
          }),
          facts,
          ['u-bob', 'u-carol'],
          NOW,
          ZONE,
        ),
      );
      expect(verbs(card)).toEqual(state === 'pending_approval' ? ['approve', 'deny'] : []);
      expect(card.refresh).toEqual({
        action: { type: 'Action.Execute', verb: 'refresh', data: { requestId: 'R0000042' } },
        userIds: ['u-bob', 'u-carol'],
      });
    }
    const many = approvalCard(
      makeRequest(),
      facts,
      Array.from({ length: 80 }, (_, i) => `u-${i}`),
      NOW,
      ZONE,
    );
    expect((many.refresh as { userIds: string[] }).userIds).toHaveLength(60);
  });

  it('outcome cards: valid for every change; the reminder offers Extend and Deactivate', () => {
    for (const change of CHANGES) {
      const card = valid(
        outcomeCard(
          makeRequest({ state: 'active', activatedAt: NOW, endsAt: NOW + 600_000 }),
          change,
          'requester',
          { propagation: 1200 },
          NOW,
          ZONE,
        ),
      );
      expect(verbs(card)).toEqual(change === 'reminder' ? ['extend', 'deactivate'] : []);
    }
  });

  it('form, help, roles, status, history and error cards are valid', () => {
    valid(
      requestFormCard(
        {
          roles: ['Exchange Administrator'],
          duration: '2h',
          start: null,
          ticket: null,
          reason: 'x',
        },
        [{ name: 'Exchange Administrator', maxDuration: 14_400 }],
      ),
    );
    const withErrors = valid(
      requestFormCard({ roles: [], duration: 'soon', start: null, ticket: null, reason: '' }, [], {
        duration: 'Use 30m, 2h or PT2H.',
      }),
    );
    expect(textBlocks(withErrors, 'Attention')).toEqual(['Use 30m, 2h or PT2H\\.']);
    valid(helpCard());
    const alert = valid(
      alertCard(
        {
          kind: 'audit_chain_broken',
          key: 'k',
          title: 'The audit trail has been tampered with',
          details: ['Entry 4 is missing.'],
          action: 'Investigate.',
          since: NOW,
        },
        ZONE,
      ),
    );
    expect(textBlocks(alert)).toEqual([
      '⚠ The audit trail has been tampered with',
      'Entry 4 is missing\\.',
      'Since: Mon 23 Nov 10:00 GMT\\+1',
      'What to do: Investigate\\.',
    ]);
    valid(
      rolesCard(
        [
          {
            kind: 'directory_role',
            name: 'Exchange Administrator',
            scope: '/',
            typed: 'Exchange Administrator',
            maxDuration: 14_400,
            approval: true,
            quorum: 1,
            eligibleUntil: null,
            needsMfa: false,
          },
        ],
        NOW,
        ZONE,
      ),
    );
    valid(statusCard([makeRequest()], NOW, ZONE));
    valid(historyCard([makeRequest()], { page: 1, previous: null, next: '{"v":1}' }, NOW, ZONE));
    valid(errorCard({ code: 'request.not_found', message: 'There is no request R1.' }));
  });

  it('error cards keep the catalogue’s code spans as code and escape what lies between', () => {
    const error = appError('command.unknown_role', {
      name: 'Exchnage **Admin**',
      suggestions: ['Exchange Administrator'],
    });
    expect(textBlocks(valid(errorCard(error)).body)).toEqual([
      'There is no role called `Exchnage **Admin**`\\. Did you mean `Exchange Administrator`? `/elevate roles` lists yours\\.',
    ]);
    const typed = appError('history.unknown_user', { mention: '@x', closest: ['@bob (Bob *B*)'] });
    expect(textBlocks(errorCard(typed).body)[0]).toContain('`@bob (Bob *B*)`');
    const between = errorCard({ code: 'request.not_found', message: 'a *b* `c` [d](e)' });
    expect(textBlocks(between.body)).toEqual(['a \\*b\\* `c` \\[d\\]\\(e\\)']);
  });

  it('cards carry emails as written, with no zero-width characters', () => {
    const r = makeRequest({
      requester: { id: 'x', displayName: 'Alice', email: 'alice@contoso.com' },
    });
    const json = JSON.stringify(approvalCard(r, facts, [], NOW, ZONE));
    expect(json).toContain('alice@contoso\\\\.com');
    expect(json).not.toMatch(/[\u200b-\u200d]/);
  });

  it('history card: a page label, and Previous / Next carrying the state verbatim', () => {
    const state = '{"v":1,"s":"all","r":null,"t":null,"p":3,"c":["1700000000000:R0000042"]}';
    const pager = (previous: string | null, next: string | null) => ({ page: 2, previous, next });
    const both = valid(historyCard([makeRequest()], pager(state, `${state} `), NOW, ZONE));
    expect(textBlocks(both.body)[0]).toBe('Activations · page 2');
    expect(verbs(both)).toEqual(['historyPage', 'historyPage']);
    expect(
      (both.actions as { title: string; data: unknown }[]).map((a) => [a.title, a.data]),
    ).toEqual([
      ['Previous', { state }],
      ['Next', { state: `${state} ` }],
    ]);
    const last = valid(historyCard([makeRequest()], pager(state, null), NOW, ZONE));
    expect((last.actions as { title: string }[]).map((a) => a.title)).toEqual(['Previous']);
    expect(textBlocks(last.body)[0]).toBe('Activations · page 2 (the last)');
    const only = valid(
      historyCard([makeRequest()], { page: 1, previous: null, next: null }, NOW, ZONE),
    );
    expect(verbs(only)).toEqual([]);
    const emptied = valid(historyCard([], pager(state, null), NOW, ZONE));
    expect(textBlocks(emptied.body)).toEqual([
      'Activations · page 2 (the last)',
      'No more activations\\.',
    ]);
    expect(verbs(emptied)).toEqual(['historyPage']);
  });

  it('keeps hostile text from formatting, linking, mentioning or expanding', () => {
    const evil = '[click](https://evil.example) **bold** <at>Everyone</at> ${$root.id} @channel';
    const card = valid(
      approvalCard(
        makeRequest({ reason: evil, requester: { id: 'x', displayName: evil } }),
        facts,
        [],
        NOW,
        ZONE,
      ),
    );
    const json = JSON.stringify(card);
    expect(json).not.toContain('[click](');
    expect(json).not.toContain('https://evil');
    expect(json).not.toContain('**bold**');
    expect(json).not.toContain('<at>');
    // adaptivecards-templating binds data literally: the ${…} in the reason is not evaluated.
    expect(json).not.toContain('RFIX000001 @');
    expect(textBlocks(card)).toContain(
      'Reason: \\[click\\]\\(https:/\u200b/evil\\.example\\) \\*\\*bold\\*\\* \\<at\\>Everyone\\</at\\> $\\{$root\\.id\\} @channel',
    );
    valid(approvalCard(makeRequest({ reason: 'x'.repeat(20_000) }), facts, [], NOW, ZONE));
  });
});
