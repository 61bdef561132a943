import { describe, expect, it } from 'vitest';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { type Asker, handleCommand } from '../../../bot/core/usecases/chat-command.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { people, testTenant } from '../../support/tenant.ts';

const alice: Asker = { principal: people.alice, platform: 'slack', timezone: 'Europe/Amsterdam' };

describe('handleCommand', () => {
  it('answers help, roles and parse errors', async () => {
    const t = testTenant();
    expect(await handleCommand(t.deps, alice, 'help')).toEqual({ kind: 'help' });
    const roles = await handleCommand(t.deps, alice, '/elevate roles');
    expect(roles).toMatchObject({
      kind: 'roles',
      rows: [
        { name: 'Exchange Administrator', maxDuration: 14_400, approval: true, quorum: 1 },
        { name: 'Global Administrator', maxDuration: 3600, approval: true, quorum: 2 },
        { name: 'Helpdesk Administrator', approval: false, quorum: 0 },
      ],
    });
    expect(await handleCommand(t.deps, alice, 'exchnge admn 2h fixing mail flow')).toMatchObject({
      kind: 'error',
      error: { code: 'command.unknown_role' },
    });
  });

  it('submits a complete request by alias, and asks for a form when parts are missing', async () => {
    const t = testTenant();
    const done = await handleCommand(t.deps, alice, 'exo 2h fixing mail flow INC-4711');
    expect(done).toMatchObject({
      kind: 'submitted',
      request: { state: 'pending_approval', ticket: 'INC-4711' },
    });
    const form = await handleCommand(t.deps, alice, 'exchange');
    expect(form).toMatchObject({ kind: 'form', command: { missing: ['duration', 'reason'] } });
    expect(form.kind === 'form' && form.roles.map((r) => r.name)).toContain(
      'Exchange Administrator',
    );
  });

  it('lists open requests, cancels, and deactivates the one active grant', async () => {
    const t = testTenant();
    const pending = await handleCommand(t.deps, alice, 'exo 2h fixing mail flow INC-4711');
    t.clock.advance(1000);
    const auto = await handleCommand(
      t.deps,
      alice,
      'Helpdesk Administrator 1h unlocking a user account',
    );
    if (pending.kind !== 'submitted' || auto.kind !== 'submitted') throw new Error('not submitted');
    expect(await handleCommand(t.deps, alice, 'deactivate')).toMatchObject({
      error: { code: 'request.nothing_active' },
    });
    await activate(t.deps, auto.request.id);
    const status = await handleCommand(t.deps, alice, 'status');
    expect(status.kind === 'status' && status.requests.map((r) => [r.id, r.state])).toEqual([
      [auto.request.id, 'active'],
      [pending.request.id, 'pending_approval'],
    ]);
    expect(await handleCommand(t.deps, alice, `cancel ${pending.request.id}`)).toMatchObject({
      kind: 'canceled',
    });
    expect(await handleCommand(t.deps, alice, 'deactivate helpdesk')).toMatchObject({
      kind: 'deactivated',
      request: { state: 'ended', endReason: 'deactivated' },
    });
    expect(await handleCommand(t.deps, { ...alice, principal: people.bob }, 'status')).toEqual({
      kind: 'status',
      requests: [],
    });
  });

  it('asks which grant to end when several are active', async () => {
    const t = testTenant();
    // Two roles: Entra holds one assignment per role, so two grants of one role cannot both be.
    for (const text of [
      'Helpdesk Administrator 1h unlocking a user account',
      'Exchange Administrator 2h fixing mail flow INC-4711',
    ]) {
      const r = await handleCommand(t.deps, alice, text);
      if (r.kind !== 'submitted') continue;
      if (r.request.state === 'pending_approval') await approve(t.deps, r.request.id, people.bob);
      await activate(t.deps, r.request.id);
    }
    const reply = await handleCommand(t.deps, alice, 'deactivate');
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'request.which_one' } });
    expect(reply.kind === 'error' && reply.error.message).toMatch(
      /R0000001.*R0000002|R0000002.*R0000001/,
    );
  });
});
