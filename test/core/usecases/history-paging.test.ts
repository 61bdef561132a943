/**
 * Paging history from buttons: Next and Previous walk the same pages a typed command would,
 * and every page is authorised again as whoever clicked, since the state comes from the client.
 */
import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Principal } from '../../../bot/core/domain/principal.ts';
import { cancel } from '../../../bot/core/usecases/cancel.ts';
import { handleCommand } from '../../../bot/core/usecases/chat-command.ts';
import {
  type HistoryState,
  historyPage,
  MAX_CURSORS,
  pagingOf,
} from '../../../bot/core/usecases/history-paging.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

async function seed(t: TestTenant, who: Principal, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    t.clock.advance(60_000);
    const r = await submit(t.deps, {
      requester: who,
      platform: 'slack',
      targets: roleTargets([n % 2 ? roles.exchange : roles.helpdesk]),
      scope: '/',
      durationSeconds: 3600,
      startAt: null,
      ticket: null,
      reason: `maintenance window number ${n}`,
    });
    if (!r.ok) throw new Error(r.error.message);
    // Withdrawn, so the next request for the same role is not refused as a duplicate.
    const withdrawn = await cancel(t.deps, r.value.id, who);
    if (!withdrawn.ok) throw new Error(withdrawn.error.message);
    ids.push(r.value.id);
  }
  return ids.reverse();
}

const state = (over: Partial<HistoryState> = {}): HistoryState => ({
  subject: { kind: 'me' },
  roleId: null,
  since: null,
  page: 1,
  cursors: [],
  ...over,
});

async function page(t: TestTenant, who: Principal, s: HistoryState) {
  const reply = await historyPage(t.deps, who, s);
  if (reply.kind !== 'history') throw new Error(reply.error.message);
  return reply;
}
const idsOf = (reply: { page: { items: readonly { id: string }[] } }) =>
  reply.page.items.map((r) => r.id);

async function refusals(t: TestTenant) {
  const events = await t.deps.audit.list({ limit: 100 });
  return events
    .filter((e) => e.action === 'history.refused')
    .map((e) => [e.actor?.id, e.requester?.id ?? null, e.details]);
}

describe('historyPage', () => {
  it('walks Next to the end and Previous back, matching the typed command page for page', async () => {
    const t = testTenant();
    const newestFirst = await seed(t, people.alice, 45);
    const typed = await handleCommand(
      t.deps,
      { principal: people.alice, platform: 'slack' },
      'history',
    );
    if (typed.kind !== 'history') throw new Error(typed.kind);
    expect(typed.paging).toMatchObject({ page: 1, previous: null });
    expect(idsOf(typed)).toEqual(newestFirst.slice(0, 20));

    const next1 = typed.paging.next;
    if (!next1) throw new Error('no Next on page 1');
    expect(next1).toEqual(state({ page: 2, cursors: [typed.page.next ?? ''] }));
    const two = await page(t, people.alice, next1);
    expect(idsOf(two)).toEqual(newestFirst.slice(20, 40));
    expect(two.paging.page).toBe(2);

    const three = await page(t, people.alice, two.paging.next ?? state());
    expect(idsOf(three)).toEqual(newestFirst.slice(40));
    expect(three.paging).toMatchObject({ page: 3, next: null });

    const back2 = await page(t, people.alice, three.paging.previous ?? state());
    expect(idsOf(back2)).toEqual(idsOf(two));
    const back1 = await page(t, people.alice, back2.paging.previous ?? state({ page: 9 }));
    expect(idsOf(back1)).toEqual(idsOf(typed));
    expect(back1.paging).toMatchObject({ page: 1, previous: null });
  });

  it('keeps the role and since filters across pages', async () => {
    const t = testTenant();
    const newestFirst = await seed(t, people.alice, 60);
    const exchange = newestFirst.filter((_, i) => i % 2 === 0); // the odd n, newest first
    const first = await page(t, people.alice, state({ roleId: roles.exchange.id }));
    const second = await page(t, people.alice, first.paging.next ?? state());
    expect([...idsOf(first), ...idsOf(second)]).toEqual(exchange.slice(0, 30));
    expect(second.query.roleId).toBe(roles.exchange.id);
  });

  it('re-checks who may look on every page, and audits a forged look at others', async () => {
    const t = testTenant();
    await seed(t, people.alice, 25);
    const everyone = state({ subject: { kind: 'all' } });
    const erin = await page(t, people.erin, everyone); // an approver, through the SecOps group
    const next = erin.paging.next;
    if (!next) throw new Error('no Next for Erin');

    // Dave forges Erin's button, or writes his own: both refused, both recorded.
    expect(await historyPage(t.deps, people.dave, next)).toMatchObject({
      kind: 'error',
      error: { code: 'history.not_allowed' },
    });
    const alicesPage = state({ subject: { kind: 'user', id: people.alice.id } });
    expect(await historyPage(t.deps, people.dave, alicesPage)).toMatchObject({
      kind: 'error',
      error: { code: 'history.not_allowed' },
    });
    expect(await refusals(t)).toEqual([
      [people.dave.id, null, { subject: 'all' }],
      [people.dave.id, people.alice.id, { subject: 'user' }],
    ]);

    // Alice may read her own by id; a Next state shared with Dave shows Dave his own.
    expect(idsOf(await page(t, people.alice, alicesPage))).toHaveLength(20);
    expect(idsOf(await page(t, people.dave, state()))).toEqual([]);
  });

  it('answers an unknown user and a cursor the store cannot read with catalogue errors', async () => {
    const t = testTenant();
    expect(
      await historyPage(t.deps, people.erin, state({ subject: { kind: 'user', id: 'u-ghost' } })),
    ).toMatchObject({ kind: 'error', error: { code: 'history.unknown_user' } });
    expect(
      await historyPage(t.deps, people.erin, state({ page: 2, cursors: ['not-a-cursor'] })),
    ).toMatchObject({ kind: 'error', error: { code: 'history.bad_cursor' } });
  });

  it(`keeps at most ${MAX_CURSORS} cursors; Previous past them returns to page 1`, () => {
    const deep = state({
      page: 30,
      cursors: Array.from({ length: MAX_CURSORS }, (_, i) => `${1000 - i}:R${i}`),
    });
    const paging = pagingOf(deep, '1:RNEXT');
    expect(paging.next?.page).toBe(31);
    expect(paging.next?.cursors).toHaveLength(MAX_CURSORS);
    expect(paging.next?.cursors.at(-1)).toBe('1:RNEXT');
    expect(paging.previous).toMatchObject({ page: 29, cursors: deep.cursors.slice(0, -1) });
    const shallow = pagingOf(state({ page: 12, cursors: ['5:R5'] }), null);
    expect(shallow).toEqual({ page: 12, previous: state(), next: null });
  });
});
