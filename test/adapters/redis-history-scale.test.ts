/**
 * History and export over 100,000 requests and their audit events on the real Redis store:
 * filters, paging without gaps, authorization, and CSV escaping of hostile text.
 */
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCsv } from '../../adapters/chat/audit-csv.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { exportAudit } from '../../bot/core/usecases/export-audit.ts';
import { history } from '../../bot/core/usecases/history.ts';
import { auditEvent } from '../../bot/core/usecases/record.ts';
import { makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { people, roles, type TestTenant, target, testTenant } from '../support/tenant.ts';

const COUNT = 100_000;
const START = Date.UTC(2026, 0, 1);
const requesters = [people.alice, people.erin, people.dave];
const targets = [target(roles.exchange), target(roles.global), target(roles.helpdesk)];

let redis: FreshRedis;
let t: TestTenant;

beforeAll(async () => {
  redis = await freshRedis();
  const store = new RedisRequestStore(redis.redis, redis.prefix);
  t = testTenant({ store, audit: new RedisAuditLog(redis.redis, redis.prefix) });
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const r = makeRequest({
      id: `R${String(i).padStart(8, '0')}`,
      requester: requesters[i % 3] ?? people.alice,
      targets: [targets[i % 3] ?? targets[0]].flatMap((x) => (x ? [x] : [])),
      createdAt: START + i * 60_000,
      updatedAt: START + i * 60_000,
      reason:
        i === 7 ? '=HYPERLINK("http://evil.example"),"quoted"\nsecond line' : `routine work ${i}`,
    });
    writes.push(store.create(r, auditEvent(r, 'request.submitted', r.requester, r.createdAt)));
    if (writes.length === 2_000) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
}, 180_000);

afterAll(async () => {
  await redis.cleanup();
});

async function pages(q: Parameters<typeof history>[1], max: number) {
  const ids: string[] = [];
  let before: string | undefined;
  for (let i = 0; i < max; i++) {
    const page = await history(t.deps, { ...q, ...(before ? { before } : {}) });
    if (!page.ok) throw new Error(page.error.message);
    ids.push(...page.value.items.map((r) => r.id));
    if (!page.value.next) return { ids, done: true };
    before = page.value.next;
  }
  return { ids, done: false };
}

describe(`history and export over ${COUNT.toLocaleString('en')} requests`, () => {
  it('pages newest first without gaps or repeats', async () => {
    const { ids } = await pages(
      { asker: people.erin, subject: { kind: 'all' }, roleId: null, since: null },
      10,
    );
    expect(ids).toHaveLength(200);
    expect(ids[0]).toBe(`R${String(COUNT - 1).padStart(8, '0')}`);
    expect(new Set(ids).size).toBe(200);
    expect(ids).toEqual(
      Array.from({ length: 200 }, (_, i) => `R${String(COUNT - 1 - i).padStart(8, '0')}`),
    );
  });

  it('filters by person, by role and by time', async () => {
    const mine = await pages(
      { asker: people.alice, subject: { kind: 'me' }, roleId: null, since: null },
      3,
    );
    expect(mine.ids.every((id) => Number(id.slice(1)) % 3 === 0)).toBe(true);
    const global = await pages(
      { asker: people.erin, subject: { kind: 'all' }, roleId: roles.global.id, since: null },
      3,
    );
    expect(global.ids.every((id) => Number(id.slice(1)) % 3 === 1)).toBe(true);
    const recent = await pages(
      {
        asker: people.erin,
        subject: { kind: 'all' },
        roleId: null,
        since: START + (COUNT - 30) * 60_000,
      },
      5,
    );
    expect(recent).toMatchObject({ done: true });
    expect(recent.ids).toHaveLength(30);
  });

  it("refuses other people's history to someone who is neither approver nor auditor", async () => {
    expect(
      await history(t.deps, {
        asker: people.dave,
        subject: { kind: 'all' },
        roleId: null,
        since: null,
      }),
    ).toMatchObject({ ok: false, error: { code: 'history.not_allowed' } });
  });

  it('exports the events as CSV with hostile text quoted and defused', async () => {
    const exported = await exportAudit(t.deps, people.erin, START + 5 * 60_000);
    if (!exported.ok) throw new Error(exported.error.message);
    async function* firstFew() {
      let n = 0;
      for await (const e of exported.ok ? exported.value : []) {
        yield e;
        if (++n === 5) return;
      }
    }
    const csv = await text(auditCsv(firstFew()));
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example""),""quoted""\nsecond line"`);
    expect(csv.split('\r\n').filter((l) => l !== '')).toHaveLength(1 + 5);
  });
});
