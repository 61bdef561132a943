/**
 * What every AuditLog must do. The in-memory and the Redis log both run this suite, so the
 * sandbox and unit tests behave like production.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS } from '../../adapters/audit-chain.ts';
import type { AuditEvent, AuditEventInput } from '../../bot/core/domain/audit.ts';
import type { AuditLog } from '../../bot/core/ports/audit-log.ts';
import { FIXTURE_TIME, makeEvent, makeRequest } from '../support/fixtures.ts';
import { people } from '../support/tenant.ts';

export interface AuditLogUnderTest {
  readonly audit: AuditLog;
  teardown(): Promise<void>;
}

/** A stand-alone event (not part of a transition) at `FIXTURE_TIME + i` seconds. */
const eventAt = (i: number): AuditEventInput => ({
  ...makeEvent(makeRequest(), 'history.exported', people.erin),
  at: FIXTURE_TIME + i * 1000,
  details: { rows: i, csv: true, filter: null },
});

export function auditLogContract(name: string, setup: () => Promise<AuditLogUnderTest>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let sut: AuditLogUnderTest;
    let audit: AuditLog;
    beforeEach(async () => {
      sut = await setup();
      audit = sut.audit;
    });
    afterEach(async () => {
      await sut.teardown();
    });

    const appendMany = async (n: number): Promise<AuditEvent[]> => {
      const out: AuditEvent[] = [];
      for (let i = 0; i < n; i++) out.push(await audit.append(eventAt(i)));
      return out;
    };

    it('numbers entries from 1 and links each to the hash of the one before', async () => {
      const entries = await appendMany(3);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(entries[0]?.prevHash).toBe(GENESIS);
      expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
      expect(entries[2]?.prevHash).toBe(entries[1]?.hash);
      for (const e of entries) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('lists oldest first exactly what was appended', async () => {
      const entries = await appendMany(4);
      expect(await audit.list({ limit: 10 })).toEqual(entries);
    });

    it('keeps the event as given, actor null and details included', async () => {
      const event = {
        ...eventAt(1),
        actor: null,
        details: { code: 'x', n: 2, ok: false, v: null },
      };
      const stored = await audit.append(event);
      expect(stored).toMatchObject(event);
      expect(await audit.list({ limit: 1 })).toEqual([stored]);
    });

    it('pages forward by seq without gaps or repeats', async () => {
      await appendMany(7);
      const seen: number[] = [];
      let afterSeq = 0;
      for (;;) {
        const page = await audit.list({ afterSeq, limit: 3 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...page.map((e) => e.seq));
        afterSeq = page.at(-1)?.seq ?? afterSeq;
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('filters by time, both ends inclusive, and still honours the limit', async () => {
      await appendMany(7);
      const window = { since: FIXTURE_TIME + 2000, until: FIXTURE_TIME + 4000 };
      expect((await audit.list({ ...window, limit: 10 })).map((e) => e.seq)).toEqual([3, 4, 5]);
      expect((await audit.list({ ...window, limit: 2 })).map((e) => e.seq)).toEqual([3, 4]);
      expect((await audit.list({ ...window, afterSeq: 3, limit: 10 })).map((e) => e.seq)).toEqual([
        4, 5,
      ]);
    });

    it('verifies an empty log', async () => {
      expect(await audit.verify()).toEqual({ ok: true, count: 0, headHash: GENESIS });
    });

    it('verifies an intact log and reports its head', async () => {
      const entries = await appendMany(5);
      expect(await audit.verify()).toEqual({ ok: true, count: 5, headHash: entries[4]?.hash });
    });
  });
}
