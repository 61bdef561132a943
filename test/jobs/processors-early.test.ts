/**
 * A grant's reminder or expiry that runs before the sealed request's own time (a far timer
 * moved in Redis, a job's delay cut short, a timer left from before an extension) does nothing
 * yet: processRequestJob says when it is due (NotYet), and the in-process timer loop waits
 * until then, as the BullMQ workers do (test/jobs/job-seal.test.ts, far-timers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/log.ts';
import { NotYet, processRequestJob } from '../../jobs/processors.ts';
import { startTimerLoop } from '../../jobs/timer-loop.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';

const HOUR = 3_600_000;
const first = { retry: false, last: false };

async function activeGrant(t: ReturnType<typeof testTenant>) {
  const now = t.clock.now();
  const r = makeRequest({ state: 'active', activatedAt: now, endsAt: now + HOUR });
  await t.deps.store.create(r, makeEvent(r, 'grant.activated'));
  return r;
}

describe('timers that come early', () => {
  it('a reminder before its time waits for endsAt - reminderBefore, then reminds once', async () => {
    const t = testTenant();
    const r = await activeGrant(t);
    const remindAt = (r.endsAt ?? 0) - 600_000;
    const early = processRequestJob(t.deps, 'remind', r.id, first);
    await expect(early).rejects.toBeInstanceOf(NotYet);
    await expect(early).rejects.toMatchObject({ at: remindAt });
    expect(t.notifier.changes(r.id)).toEqual([]);

    t.clock.set(remindAt - 1_000);
    await processRequestJob(t.deps, 'remind', r.id, first);
    expect(t.notifier.changes(r.id)).toEqual(['reminder']);
  });

  it('an expiry before endsAt ends nothing; at endsAt it ends the grant', async () => {
    const t = testTenant();
    const r = await activeGrant(t);
    await expect(processRequestJob(t.deps, 'expire', r.id, first)).rejects.toMatchObject({
      at: r.endsAt,
    });
    expect((await t.deps.store.get(r.id))?.state).toBe('active');
    t.clock.set(r.endsAt ?? 0);
    await processRequestJob(t.deps, 'expire', r.id, first);
    expect((await t.deps.store.get(r.id))?.state).toBe('ended');
  });

  it('the in-process timer loop puts an early expiry back at endsAt', async () => {
    const t = testTenant();
    const r = await activeGrant(t);
    // Due now by the scheduler, an hour early by the request.
    await t.scheduler.schedule('expire', r.id, t.clock.now());
    const stop = startTimerLoop(t.deps, t.scheduler, createLogger('silent'));
    try {
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await t.deps.store.get(r.id))?.state).toBe('active');
      t.clock.set(r.endsAt ?? 0);
      await waitFor(
        async () => (await t.deps.store.get(r.id))?.state === 'ended',
        3_000,
        'ended at endsAt',
      );
    } finally {
      stop();
    }
  });
});
