import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { extend } from '../../../bot/core/usecases/extend.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

async function active(t: TestTenant, hours: number) {
  const r = await submit(t.deps, {
    requester: people.alice,
    platform: 'slack',
    targets: roleTargets([roles.helpdesk]),
    scope: '/',
    durationSeconds: hours * 3600,
    startAt: null,
    ticket: null,
    reason: 'resetting locked accounts',
  });
  if (!r.ok) throw new Error(r.error.message);
  const a = await activate(t.deps, r.value.id);
  if (!a.ok) throw new Error(a.error.message);
  return a.value;
}

describe('extend', () => {
  it('moves the end in PIM and the reminder and expiry with it', async () => {
    const t = testTenant();
    const grant = await active(t, 2);
    t.clock.advance(90 * 60_000);
    const result = await extend(t.deps, grant.id, people.alice, 3600);
    const endsAt = (grant.endsAt ?? 0) + 3600_000;
    expect(result).toMatchObject({ ok: true, value: { state: 'active', endsAt } });
    expect((await t.privileges.activeAssignments(people.alice.id))[0]?.endsAt).toBe(endsAt);
    const timers = t.scheduler.pending().filter((j) => j.job === 'remind' || j.job === 'expire');
    expect(timers).toEqual([
      { job: 'remind', requestId: grant.id, runAt: endsAt - 600_000 },
      { job: 'expire', requestId: grant.id, runAt: endsAt },
    ]);
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extended');
    expect((await t.deps.audit.list({ limit: 20 })).at(-1)).toMatchObject({
      action: 'grant.extended',
      actor: { id: people.alice.id },
    });
  });

  it('keeps the total within the maximum and says how much is left', async () => {
    const t = testTenant();
    const grant = await active(t, 7);
    const tooMuch = await extend(t.deps, grant.id, people.alice, 2 * 3600);
    expect(tooMuch).toMatchObject({ ok: false, error: { code: 'policy.extend_too_long' } });
    expect(tooMuch.ok || tooMuch.error.message).toContain('extend by up to 1h');
    expect(await extend(t.deps, grant.id, people.alice, 3600)).toMatchObject({ ok: true });
    const none = await extend(t.deps, grant.id, people.alice, 60);
    expect(none.ok || none.error.message).toContain('has reached its maximum of 8h');
  });

  it('is for the requester of an active grant only', async () => {
    const t = testTenant();
    const grant = await active(t, 1);
    expect(await extend(t.deps, grant.id, people.bob, 600)).toMatchObject({
      ok: false,
      error: { code: 'request.not_requester' },
    });
    expect(await extend(t.deps, 'R0000099', people.alice, 600)).toMatchObject({
      ok: false,
      error: { code: 'request.not_found' },
    });
  });
});
