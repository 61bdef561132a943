import { describe, expect, it } from 'vitest';
import type { AccessRequest, RequestState } from '../../../bot/core/domain/request.ts';
import {
  approvalCard,
  denyReasonModal,
  escapeMrkdwn,
  historyMessage,
  outcomeMessage,
  requestModal,
  statusMessage,
} from '../../../cards/slack/index.ts';
import { makeRequest } from '../../support/fixtures.ts';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const ZONE = 'Europe/Amsterdam';
const facts = { maxDuration: 4 * 3600, quorum: 1 };
const bob = { id: 'u-bob', displayName: 'Bob Approver', email: 'bob@contoso.com' };

/** Every string in a Block Kit structure, with the type of the text object it sits in. */
function texts(value: unknown, type = 'raw'): { type: string; text: string }[] {
  if (Array.isArray(value)) return value.flatMap((v) => texts(v, type));
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  const own =
    typeof o.text === 'string' && typeof o.type === 'string'
      ? [{ type: o.type, text: o.text }]
      : [];
  return [
    ...own,
    ...Object.entries(o).flatMap(([k, v]) =>
      k === 'text' && typeof v === 'string' ? [] : texts(v, type),
    ),
  ];
}

interface Block {
  readonly type: string;
  readonly block_id?: string;
  readonly text?: { readonly text: string };
  readonly fields?: readonly { readonly text: string }[];
  readonly elements?: readonly { readonly text?: string }[];
  readonly element?: Record<string, unknown>;
}
const blocksOf = (m: { blocks: readonly unknown[] }) => m.blocks as readonly Block[];
/** The text of the one block of `type` (a section's text, a context's first element). */
function blockText(m: { blocks: readonly unknown[] }, type: 'section' | 'context' | 'header') {
  const found = blocksOf(m).filter((b) => b.type === type);
  expect(found, `one ${type} block`).toHaveLength(1);
  const [block] = found;
  return type === 'context' ? block?.elements?.[0]?.text : block?.text?.text;
}
const fieldTexts = (m: { blocks: readonly unknown[] }) =>
  blocksOf(m)
    .flatMap((b) => b.fields ?? [])
    .map((f) => f.text);

const buttons = (card: { blocks: unknown[] }) =>
  card.blocks
    .flatMap((b) =>
      (b as { type: string }).type === 'actions'
        ? ((b as { elements: { action_id: string }[] }).elements ?? [])
        : [],
    )
    .map((e) => e.action_id);

describe('approval card', () => {
  it('has Approve and Deny only while pending, carrying the request id', () => {
    const pending = approvalCard(makeRequest({ state: 'pending_approval' }), facts, NOW, ZONE);
    expect(buttons(pending)).toEqual(['elevate_approve', 'elevate_deny']);
    const states: RequestState[] = [
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
    for (const state of states)
      expect(buttons(approvalCard(makeRequest({ state }), facts, NOW, ZONE)), state).toEqual([]);
  });

  it('says what happened, by whom and when', () => {
    const denied = makeRequest({
      state: 'denied',
      denial: { by: bob, at: NOW, reason: 'use break-glass' },
    });
    expect(blockText(approvalCard(denied, facts, NOW, ZONE), 'context')).toBe(
      `Denied by Bob Approver: use break-glass · Request ${denied.id}`,
    );
    const active = makeRequest({ state: 'active', activatedAt: NOW, endsAt: NOW + 2 * 3600_000 });
    expect(blockText(approvalCard(active, facts, NOW, ZONE), 'context')).toBe(
      `Active until Mon 23 Nov 12:00 GMT+1 (2h left). · Request ${active.id}`,
    );
    const card = approvalCard(makeRequest({ durationSeconds: 7200 }), facts, NOW, ZONE);
    expect(card.text).toContain('for 2h');
    expect(fieldTexts(card)).toEqual([
      'Requester: Alice Admin (alice@contoso.com)',
      'Role: Exchange Administrator',
      'Duration: 2h (max 4h)',
      'Start: As soon as approved',
      'Ticket: INC-4711',
      'Approvals: 0 of 1',
    ]);
  });
});

describe('outcomes', () => {
  it('tells the requester the expiry, the sign-in hint and the propagation note', () => {
    const r = makeRequest({ state: 'active', activatedAt: NOW, endsAt: NOW + 3600_000 });
    const message = outcomeMessage(r, 'activated', 'requester', { propagation: 1200 }, NOW, ZONE);
    const said = `Exchange Administrator is active until Mon 23 Nov 11:00 GMT+1 (request ${r.id}). Apps that cache your roles may need you to sign out and back in (or open a new private window). It can take up to 20m to reach every service.`;
    expect(blockText(message, 'section')).toBe(said);
    expect(message.text).toBe(said);
  });

  it('offers Extend and Deactivate on the reminder', () => {
    const r = makeRequest({ state: 'active', activatedAt: NOW, endsAt: NOW + 600_000 });
    expect(buttons(outcomeMessage(r, 'reminder', 'requester', {}, NOW, ZONE))).toEqual([
      'elevate_extend',
      'elevate_deactivate',
    ]);
  });
});

describe('history', () => {
  const buttonsWithValues = (m: { blocks: unknown[] }) =>
    m.blocks
      .flatMap((b) =>
        (b as { type: string }).type === 'actions'
          ? (b as { elements: { action_id: string; value: string }[] }).elements
          : [],
      )
      .map((e) => [e.action_id, e.value]);

  it('labels the page and offers Previous / Next carrying the encoded state', () => {
    const rows = [makeRequest(), makeRequest()];
    const middle = historyMessage(rows, { page: 2, previous: 'back', next: 'on' }, NOW, ZONE);
    expect(buttonsWithValues(middle)).toEqual([
      ['elevate_history_prev', 'back'],
      ['elevate_history_next', 'on'],
    ]);
    expect(blockText(middle, 'context')).toBe('Page 2');
    expect(middle.text).toBe('2 activation(s), page 2, more available.');
    const first = historyMessage(rows, { page: 1, previous: null, next: 'on' }, NOW, ZONE);
    expect(buttons(first)).toEqual(['elevate_history_next']);
    const last = historyMessage(rows, { page: 3, previous: 'back', next: null }, NOW, ZONE);
    expect(buttons(last)).toEqual(['elevate_history_prev']);
    expect(blockText(last, 'context')).toBe('Page 3 (the last)');
    expect(
      buttons(historyMessage(rows, { page: 1, previous: null, next: null }, NOW, ZONE)),
    ).toEqual([]);
    expect(historyMessage([], { page: 1, previous: null, next: null }, NOW, ZONE).text).toBe(
      'No activations match.',
    );
  });

  it('keeps the buttons within 50 blocks however long the rows are', () => {
    const rows = Array.from({ length: 20 }, () => makeRequest({ reason: 'x'.repeat(3000) }));
    const m = historyMessage(rows, { page: 2, previous: 'back', next: 'on' }, NOW, ZONE);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(buttons(m)).toEqual(['elevate_history_prev', 'elevate_history_next']);
  });
});

const HOSTILE = [
  '<!channel> look',
  '<!here|here>',
  '<!everyone>',
  '<@U0ADMIN>',
  '<#C0SECRET>',
  '<!subteam^S123|@admins>',
  '@here @channel @everyone',
  '<https://evil.example|click me>',
  '*bold* _it_ ~strike~ `code`',
  '> quoted',
  '&lt;!channel&gt;',
  'x'.repeat(10_000),
];

describe('injection', () => {
  it('keeps hostile reasons and names from mentioning, linking or formatting', () => {
    for (const evil of HOSTILE) {
      const r: AccessRequest = makeRequest({
        reason: evil,
        ticket: evil.slice(0, 60),
        requester: { id: 'u-x', displayName: evil, email: 'x@contoso.com' },
        denial: { by: { ...bob, displayName: evil }, at: NOW, reason: evil },
        state: 'denied',
      });
      const messages = [
        approvalCard(r, facts, NOW, ZONE),
        outcomeMessage(r, 'denied', 'security', {}, NOW, ZONE),
        statusMessage([r], NOW, ZONE),
        historyMessage([r], { page: 2, previous: '{"v":1}', next: '{"v":1}' }, NOW, ZONE),
      ];
      for (const m of messages) {
        for (const t of texts(m.blocks)) {
          if (t.type === 'mrkdwn')
            expect(t.text).not.toMatch(/<[!@#]|<https?:|@(here|channel|everyone)\b/);
          expect(t.text.length).toBeLessThanOrEqual(3000);
        }
        expect(m.blocks.length).toBeLessThanOrEqual(50);
        expect(m.text).not.toMatch(/<[!@#]|<https?:|@(here|channel|everyone)\b/);
      }
    }
  });

  it('escapes the three control characters and breaks formatting', () => {
    expect(escapeMrkdwn('<!channel> & *x*')).toBe(
      '&lt;!channel&gt; &amp; \u200d*\u200dx\u200d*\u200d',
    );
    expect(escapeMrkdwn('@here')).toBe('@\u200dhere');
  });
});

describe('modals', () => {
  it('deny asks for a required reason and remembers the request', () => {
    const modal = denyReasonModal('R0000001');
    expect(modal).toMatchObject({
      callback_id: 'elevate_deny_reason',
      private_metadata: 'R0000001',
      blocks: [{ block_id: 'reason' }],
    });
  });

  it('the request form is prefilled with what was typed', () => {
    const modal = requestModal(
      {
        roles: ['Exchange Administrator'],
        duration: '2h',
        start: null,
        ticket: null,
        reason: 'fixing mail flow',
      },
      [
        { name: 'Exchange Administrator', maxDuration: 14_400 },
        { name: 'Global Administrator', maxDuration: 3600 },
      ],
    );
    expect(modal.callback_id).toBe('elevate_request');
    expect(modal.blocks.map((b) => b.block_id)).toEqual([
      'roles',
      'duration',
      'start',
      'ticket',
      'reason',
    ]);
    const element = (id: string) => blocksOf(modal).find((b) => b.block_id === id)?.element;
    expect(element('roles')?.initial_options).toEqual([
      {
        text: { type: 'plain_text', text: 'Exchange Administrator (max 4h)' },
        value: 'Exchange Administrator',
      },
    ]);
    expect(element('duration')?.initial_value).toBe('2h');
    expect(element('start')).not.toHaveProperty('initial_value');
    expect(element('ticket')).not.toHaveProperty('initial_value');
    expect(element('reason')?.initial_value).toBe('fixing mail flow');
  });
});
