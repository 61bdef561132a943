/**
 * What every RequestStore must do, run by the in-memory and the Redis store alike: create
 * refuses an existing id, update is compare-and-set on the version, every accepted write
 * appends its audit event to one chain, and the indexes page newest first without skipping
 * or repeating requests created in the same millisecond.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS } from '../../adapters/audit-chain.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { type Transition, transition } from '../../bot/core/domain/transitions.ts';
import type { AuditLog } from '../../bot/core/ports/audit-log.ts';
import type {
  ChangedQuery,
  ListQuery,
  Page,
  RequestStore,
} from '../../bot/core/ports/request-store.ts';
import { FIXTURE_TIME, makeEvent, makeRequest } from '../support/fixtures.ts';
import { people, roles, target } from '../support/tenant.ts';

export interface StoreUnderTest {
  readonly store: RequestStore;
  readonly audit: AuditLog;
  teardown(): Promise<void>;
}

const T = FIXTURE_TIME;

/** The transition applied as the core would, or a test failure if the machine refuses it. */
function apply(request: AccessRequest, t: Transition, at = request.updatedAt + 1000) {
  const next = transition(request, t, at);
  if (!next.ok) throw new Error(`fixture transition refused: ${next.error.code}`);
  return next.value;
}

const approvedBy = (r: AccessRequest, by: Principal) => apply(r, { type: 'approve', by });

/** Newest first, ties broken by id descending: the order every store must page in. */
const newestFirst = (a: AccessRequest, b: AccessRequest) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Oldest change first, ties broken by id ascending: the order listChangedSince pages in. */
const oldestChangeFirst = (a: AccessRequest, b: AccessRequest) =>
  a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type Lister = (query: ListQuery) => Promise<Page<AccessRequest>>;

/** listChangedSince followed to the end, as the alerts scan reads it. */
async function allChanged(store: RequestStore, query: ChangedQuery): Promise<AccessRequest[]> {
  const found: AccessRequest[] = [];
  let after = query.after;
  for (let pages = 0; pages < 200; pages++) {
    const page = await store.listChangedSince({ ...query, ...(after ? { after } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    found.push(...page.items);
    if (page.next === null) return found;
    after = page.next;
  }
  throw new Error('paging did not end');
}

/** Follows `next` to the end; fails on an oversized page or a runaway cursor. */
async function allPages(list: Lister, query: ListQuery): Promise<string[]> {
  const ids: string[] = [];
  let before = query.before;
  for (let pages = 0; pages < 200; pages++) {
    const page = await list({ ...query, before });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    ids.push(...page.items.map((r) => r.id));
    if (page.next === null) return ids;
    before = page.next;
  }
  throw new Error('paging did not end');
}

export function requestStoreContract(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`RequestStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: RequestStore;
    beforeEach(async () => {
      sut = await setup();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.teardown();
    });

    const create = async (overrides: Partial<AccessRequest> = {}): Promise<AccessRequest> => {
      const request = makeRequest(overrides);
      const saved = await store.create(request, makeEvent(request));
      if (!saved.ok) throw new Error(`create refused: ${saved.error}`);
      return saved.value;
    };

    describe('create and get', () => {
      it('stores a request and gives it back unchanged', async () => {
        const request = makeRequest({ ticket: null, startAt: T + 60_000 });
        expect(await store.create(request, makeEvent(request))).toEqual({
          ok: true,
          value: request,
        });
        expect(await store.get(request.id)).toEqual(request);
      });

      it('answers null for an unknown id', async () => {
        expect(await store.get('R-NOPE')).toBeNull();
      });

      it('refuses an id that exists and keeps the first request and its single event', async () => {
        const first = await create();
        const second = makeRequest({ id: first.id, reason: 'a different reason' });
        expect(await store.create(second, makeEvent(second))).toEqual({
          ok: false,
          error: 'exists',
        });
        expect(await store.get(first.id)).toEqual(first);
        expect(await sut.audit.list({ limit: 10 })).toHaveLength(1);
      });

      it('hands out copies: changing a returned request does not change the stored one', async () => {
        const saved = await create();
        (saved.approvals as unknown[]).push('tampered');
        expect((await store.get(saved.id))?.approvals).toEqual([]);
      });
    });

    describe('compare-and-set update', () => {
      it('stores the next version', async () => {
        const request = await create();
        const next = approvedBy(request, people.bob);
        const event = makeEvent(next, 'request.approved', people.bob);
        expect(await store.update(next, event)).toEqual({ ok: true, value: next });
        expect(await store.get(request.id)).toEqual(next);
      });

      it('refuses a stale version and changes nothing, not even the audit log', async () => {
        const request = await create();
        const winner = approvedBy(request, people.bob);
        const loser = apply(request, { type: 'deny', by: people.carol, reason: 'not now' });
        expect((await store.update(winner, makeEvent(winner, 'request.approved'))).ok).toBe(true);
        const lost = await store.update(loser, makeEvent(loser, 'request.denied'));
        expect(lost).toEqual({ ok: false, error: 'conflict' });
        expect(await store.get(request.id)).toEqual(winner);
        expect((await sut.audit.list({ limit: 10 })).map((e) => e.action)).toEqual([
          'request.submitted',
          'request.approved',
        ]);
      });

      it('refuses a version that skips one, and an id that was never created', async () => {
        const request = await create();
        const skipping = { ...approvedBy(request, people.bob), version: 3 };
        expect(await store.update(skipping, makeEvent(skipping))).toEqual({
          ok: false,
          error: 'conflict',
        });
        const unknown = makeRequest({ version: 2 });
        expect(await store.update(unknown, makeEvent(unknown))).toEqual({
          ok: false,
          error: 'conflict',
        });
        expect(await store.get(unknown.id)).toBeNull();
        expect(await sut.audit.list({ limit: 10 })).toHaveLength(1);
      });
    });

    describe('audit trail', () => {
      it('appends one chained entry per accepted create and update', async () => {
        const request = await create();
        const approved = approvedBy(request, people.bob);
        await store.update(approved, makeEvent(approved, 'request.approved', people.bob));
        const activating = apply(approved, { type: 'start_activation' });
        await store.update(activating, makeEvent(activating, 'grant.activating', null));

        const entries = await sut.audit.list({ limit: 10 });
        expect(entries.map((e) => [e.seq, e.action, e.state])).toEqual([
          [1, 'request.submitted', 'pending_approval'],
          [2, 'request.approved', 'approved'],
          [3, 'grant.activating', 'activating'],
        ]);
        expect(entries[0]?.prevHash).toBe(GENESIS);
        expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
        expect(entries[2]?.prevHash).toBe(entries[1]?.hash);
        expect(entries[1]?.actor).toEqual(people.bob);
        expect(entries.every((e) => e.requestId === request.id)).toBe(true);
        expect(await sut.audit.verify()).toEqual({
          ok: true,
          count: 3,
          headHash: entries[2]?.hash,
        });
      });

      it('keeps one chain across request writes and stand-alone appends', async () => {
        const a = await create();
        await sut.audit.append({
          ...makeEvent(a, 'history.refused', people.dave),
          details: { why: 'x' },
        });
        const b = await create();
        await store.update(approvedBy(b, people.bob), makeEvent(b, 'request.approved'));
        const entries = await sut.audit.list({ limit: 10 });
        expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect((await sut.audit.verify()).ok).toBe(true);
      });
    });

    describe('indexes', () => {
      /** 23 requests in groups of five sharing a createdAt, ids not in creation order. */
      const population = async (): Promise<AccessRequest[]> => {
        const made: AccessRequest[] = [];
        for (let i = 0; i < 23; i++) {
          const id = `R${'MZBQKDTAXWHNCPJFRVEGSLY'.charAt(i)}`;
          const requester = i % 3 === 0 ? people.erin : people.alice;
          const targets =
            i % 4 === 0
              ? [target(roles.global)]
              : i % 4 === 1
                ? [target(roles.exchange), target(roles.global)]
                : [target(roles.exchange)];
          made.push(
            await create({ id, requester, targets, createdAt: T + Math.floor(i / 5) * 1000 }),
          );
        }
        return made;
      };

      it('lists by user, by role and all, newest first, across pages of every size', async () => {
        const made = await population();
        const expected = (keep: (r: AccessRequest) => boolean) =>
          made
            .filter(keep)
            .sort(newestFirst)
            .map((r) => r.id);
        const global = roles.global.id;
        for (const limit of [1, 4, 7, 50]) {
          expect(await allPages((q) => store.listAll(q), { limit })).toEqual(expected(() => true));
          expect(await allPages((q) => store.listByUser(people.alice.id, q), { limit })).toEqual(
            expected((r) => r.requester.id === people.alice.id),
          );
          expect(await allPages((q) => store.listByRole(global, q), { limit })).toEqual(
            expected((r) => r.targets.some((t) => t.id === global)),
          );
        }
      });

      it('returns whole requests and a null cursor on the last page', async () => {
        const made = await population();
        const page = await store.listByUser(people.erin.id, { limit: 20 });
        expect(page.next).toBeNull();
        expect(page.items).toEqual(
          made.filter((r) => r.requester.id === people.erin.id).sort(newestFirst),
        );
        expect(await store.listByUser('u-nobody', { limit: 5 })).toEqual({ items: [], next: null });
      });

      it('keeps paging consistent when requests arrive between pages', async () => {
        const made = await population();
        const first = await store.listAll({ limit: 6 });
        const cursorAt = first.items.at(-1)?.createdAt ?? 0;
        const newer = await create({ id: 'RZZZNEWER', createdAt: T + 99_000 });
        // Same createdAt as the cursor: the smaller id sorts after it, the larger one before.
        const tieBelow = await create({ id: 'R000TIE', createdAt: cursorAt });
        const tieAbove = await create({ id: 'RZZZTIE', createdAt: cursorAt });
        const rest = await allPages((q) => store.listAll(q), {
          limit: 4,
          before: first.next ?? '',
        });
        const seen = [...first.items.map((r) => r.id), ...rest];
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).not.toContain(newer.id);
        expect(seen).not.toContain(tieAbove.id);
        expect(seen).toContain(tieBelow.id);
        expect(seen.filter((id) => id !== tieBelow.id)).toEqual(
          made.sort(newestFirst).map((r) => r.id),
        );
      });

      it('filters by since (inclusive) and stops paging where it ends', async () => {
        const made = await population();
        const since = T + 2000;
        const expected = made
          .filter((r) => r.createdAt >= since)
          .sort(newestFirst)
          .map((r) => r.id);
        expect(expected).toHaveLength(13);
        expect(await allPages((q) => store.listAll(q), { limit: 4, since })).toEqual(expected);
        expect(await allPages((q) => store.listAll(q), { limit: 13, since })).toEqual(expected);
      });

      it('follows state changes in listInStates', async () => {
        const [a, b, c] = [await create(), await create(), await create()];
        if (!a || !b || !c) throw new Error('unreachable');
        const approved = approvedBy(b, people.bob);
        await store.update(approved, makeEvent(approved, 'request.approved'));
        const canceled = apply(c, { type: 'cancel', by: people.alice });
        await store.update(canceled, makeEvent(canceled, 'request.canceled'));

        const ids = async (...states: AccessRequest['state'][]) =>
          (await store.listInStates(states)).map((r) => r.id).sort();
        expect(await ids('pending_approval')).toEqual([a.id]);
        expect(await ids('approved')).toEqual([b.id]);
        expect(await ids('approved', 'canceled', 'pending_approval')).toEqual(
          [a.id, b.id, c.id].sort(),
        );
        expect(await ids('active')).toEqual([]);
        expect(await store.listInStates(['approved'])).toEqual([approved]);
      });
    });

    describe('by last change', () => {
      /** 12 requests made over 12 days, changed in groups of three sharing an updatedAt. */
      const changed = async (): Promise<AccessRequest[]> => {
        const made: AccessRequest[] = [];
        for (let i = 0; i < 12; i++) {
          const id = `R${'QKDTAXWHNCPJ'.charAt(i)}`;
          const r = await create({ id, createdAt: T - (12 - i) * 86_400_000 });
          // The oldest-made change last: order by change is not order by making.
          const at = T + Math.floor((11 - i) / 3) * 1000;
          const next = approvedBy({ ...r, updatedAt: at - 1000 }, people.bob);
          const saved = await store.update(next, makeEvent(next, 'request.approved'));
          if (!saved.ok) throw new Error('fixture update refused');
          made.push(saved.value);
        }
        return made;
      };

      it('lists requests changed since (inclusive), oldest change first, across page sizes', async () => {
        const made = await changed();
        const since = T + 1000;
        const expected = made.filter((r) => r.updatedAt >= since).sort(oldestChangeFirst);
        expect(expected).toHaveLength(9);
        for (const limit of [1, 2, 3, 4, 9, 50]) {
          expect(await allChanged(store, { since, limit })).toEqual(expected);
        }
        expect(await allChanged(store, { since: T + 99_000, limit: 5 })).toEqual([]);
        expect(await store.listChangedSince({ since, limit: 0 })).toEqual({
          items: [],
          next: null,
        });
      });

      it('lists a request made long ago by its latest change, with its latest content', async () => {
        const old = await create({ createdAt: T - 20 * 86_400_000 });
        await create({ createdAt: T });
        expect((await allChanged(store, { since: T, limit: 5 })).map((r) => r.id)).not.toContain(
          old.id,
        );
        const approved = apply(old, { type: 'approve', by: people.bob }, T + 5000);
        await store.update(approved, makeEvent(approved, 'request.approved'));
        const found = await allChanged(store, { since: T + 5000, limit: 5 });
        expect(found).toEqual([approved]);
      });

      it('skips none when requests change between pages', async () => {
        const made = (await changed()).sort(oldestChangeFirst);
        const first = await store.listChangedSince({ since: T, limit: 4 });
        expect(first.items).toEqual(made.slice(0, 4));
        // One already listed and one not yet listed change now; a new one is made.
        const [seen, unseen] = [made[1], made[7]];
        if (!seen || !unseen) throw new Error('unreachable');
        const moved = [seen, unseen].map((r) => apply(r, { type: 'cancel', by: people.alice }));
        for (const r of moved) await store.update(r, makeEvent(r, 'request.canceled'));
        const fresh = await create({ createdAt: T + 50_000 });
        const rest = await allChanged(store, { since: T, limit: 3, after: first.next ?? '' });
        const ids = [...first.items, ...rest].map((r) => r.id);
        for (const r of made) expect(ids).toContain(r.id);
        expect(ids).toContain(fresh.id);
        // The moved ones come (again) with their new content.
        expect(rest).toEqual(expect.arrayContaining(moved));
        expect(new Set(rest.map((r) => r.id)).size).toBe(rest.length);
      });
    });
  });
}
