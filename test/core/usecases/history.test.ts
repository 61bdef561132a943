import { describe, expect, it, onTestFinished } from 'vitest';
import { RedisAuditLog } from '../../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../../adapters/redis/request-store.ts';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Principal } from '../../../bot/core/domain/principal.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';
import { cancel } from '../../../bot/core/usecases/cancel.ts';
import type { CoreDeps } from '../../../bot/core/usecases/deps.ts';
import { history } from '../../../bot/core/usecases/history.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { freshRedis } from '../../support/redis.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

async function ask(t: TestTenant, who: Principal, role: RoleEntry, n: number) {
  t.clock.advance(60_000);
  const r = await submit(t.deps, {
    requester: who,
    platform: 'slack',
    targets: roleTargets([role]),
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
  return withdrawn.value;
}

async function allPages(deps: CoreDeps, q: Parameters<typeof history>[1]) {
  const ids: string[] = [];
  let before: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await history(deps, { ...q, ...(before ? { before } : {}) });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.items.length).toBeLessThanOrEqual(20);
    ids.push(...page.value.items.map((r) => r.id));
    if (!page.value.next) return ids;
    before = page.value.next;
  }
  throw new Error('too many pages');
}

describe('history', () => {
  it.each(['memory', 'redis'])(
    'pages through everything newest first, without gaps or repeats (%s)',
    async (kind) => {
      const redis = kind === 'redis' ? await freshRedis() : null;
      onTestFinished(async () => {
        await redis?.cleanup();
      });
      const t = testTenant(
        redis
          ? {
              store: new RedisRequestStore(redis.redis, redis.prefix),
              audit: new RedisAuditLog(redis.redis, redis.prefix),
            }
          : null,
      );
      const made = [];
      for (let n = 0; n < 45; n++)
        made.push(
          await ask(
            t,
            n % 3 === 0 ? people.erin : people.alice,
            n % 2 ? roles.exchange : roles.helpdesk,
            n,
          ),
        );
      const all = await allPages(t.deps, {
        asker: people.erin,
        subject: { kind: 'all' },
        roleId: null,
        since: null,
      });
      expect(all).toEqual(made.map((r) => r.id).reverse());
      const mine = await allPages(t.deps, {
        asker: people.alice,
        subject: { kind: 'me' },
        roleId: null,
        since: null,
      });
      expect(mine).toEqual(
        made
          .filter((r) => r.requester.id === people.alice.id)
          .map((r) => r.id)
          .reverse(),
      );
      const exchangeOfAlice = await allPages(t.deps, {
        asker: people.alice,
        subject: { kind: 'me' },
        roleId: roles.exchange.id,
        since: null,
      });
      expect(exchangeOfAlice).toEqual(
        made
          .filter(
            (r) => r.requester.id === people.alice.id && r.targets[0]?.id === roles.exchange.id,
          )
          .map((r) => r.id)
          .reverse(),
      );
      const recent = await allPages(t.deps, {
        asker: people.erin,
        subject: { kind: 'all' },
        roleId: null,
        since: made[40]?.createdAt ?? 0,
      });
      expect(recent).toEqual(
        made
          .slice(40)
          .map((r) => r.id)
          .reverse(),
      );
    },
  );

  it("refuses others' history to people who are neither approver nor auditor, and audits it", async () => {
    const t = testTenant();
    await ask(t, people.alice, roles.exchange, 1);
    const refused = await history(t.deps, {
      asker: people.dave,
      subject: { kind: 'user', principal: people.alice },
      roleId: null,
      since: null,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'history.not_allowed' } });
    expect(
      await history(t.deps, {
        asker: people.dave,
        subject: { kind: 'all' },
        roleId: null,
        since: null,
      }),
    ).toMatchObject({ ok: false });
    const events = await t.deps.audit.list({ limit: 10 });
    expect(events.filter((e) => e.action === 'history.refused').map((e) => e.actor?.id)).toEqual([
      people.dave.id,
      people.dave.id,
    ]);
    const own = await history(t.deps, {
      asker: people.dave,
      subject: { kind: 'user', principal: people.dave },
      roleId: null,
      since: null,
    });
    expect(own).toEqual({ ok: true, value: { items: [], next: null } });
    const approver = await history(t.deps, {
      asker: people.bob,
      subject: { kind: 'user', principal: people.alice },
      roleId: null,
      since: null,
    });
    expect(approver.ok && approver.value.items).toHaveLength(1);
  });

  it('answers a bad cursor with a catalogue error', async () => {
    const t = testTenant();
    expect(
      await history(t.deps, {
        asker: people.erin,
        subject: { kind: 'all' },
        roleId: null,
        since: null,
        before: 'garbage',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'history.bad_cursor' },
    });
  });
});
