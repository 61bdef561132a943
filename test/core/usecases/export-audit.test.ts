import { describe, expect, it } from 'vitest';
import { exportAudit } from '../../../bot/core/usecases/export-audit.ts';
import { makeEvent, makeRequest } from '../../support/fixtures.ts';
import { people, testTenant } from '../../support/tenant.ts';

describe('exportAudit', () => {
  it('streams every event to an auditor, oldest first, across pages', async () => {
    const t = testTenant();
    for (let i = 0; i < 2_500; i++)
      await t.deps.audit.append({
        ...makeEvent(makeRequest({ id: `R${String(i).padStart(7, '0')}` })),
        at: i,
      });
    const result = await exportAudit(t.deps, people.erin, null);
    if (!result.ok) throw new Error(result.error.message);
    const seqs: number[] = [];
    for await (const e of result.value) seqs.push(e.seq);
    expect(seqs).toEqual(Array.from({ length: 2_501 }, (_, i) => i + 1));
  });

  it('filters by time', async () => {
    const t = testTenant();
    for (let i = 0; i < 10; i++)
      await t.deps.audit.append({ ...makeEvent(makeRequest()), at: i * 1000 });
    const result = await exportAudit(t.deps, people.erin, 7_000);
    if (!result.ok) throw new Error(result.error.message);
    const ats: number[] = [];
    for await (const e of result.value) ats.push(e.at);
    expect(ats).toEqual([7_000, 8_000, 9_000, t.clock.now()]);
  });

  it('refuses everyone but auditors, and records the attempt', async () => {
    const t = testTenant();
    expect(await exportAudit(t.deps, people.bob, null)).toMatchObject({
      ok: false,
      error: { code: 'export.not_allowed' },
    });
    const events = await t.deps.audit.list({ limit: 10 });
    expect(events).toMatchObject([
      { action: 'history.refused', actor: { id: people.bob.id }, details: { subject: 'export' } },
    ]);
  });
});
