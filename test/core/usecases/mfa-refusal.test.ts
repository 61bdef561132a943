/**
 * Without sign-in from chat (no PUBLIC_URL: CoreDeps.signIn absent) a role that needs an MFA
 * sign-in is refused, never granted without one. Refused at submit (before anyone is asked
 * to approve) and again at activation. With sign-in from chat: step-up.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Policy, RolePolicy } from '../../../bot/core/domain/policy.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { eligibleRoles } from '../../../bot/core/usecases/queries.ts';
import { type SubmitInput, submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, testPolicy, testTenant } from '../../support/tenant.ts';

const input = (over: Partial<SubmitInput> = {}): SubmitInput => ({
  requester: people.alice,
  platform: 'slack',
  targets: roleTargets([roles.exchange]),
  scope: '/',
  durationSeconds: 3600,
  startAt: null,
  ticket: null,
  reason: 'fixing mail flow INC-4711',
  ...over,
});

/** testPolicy with Exchange Administrator's entry changed. */
function exchangePolicy(change: (p: RolePolicy) => RolePolicy): Policy {
  const exchange = testPolicy.roles.get('Exchange Administrator');
  if (!exchange) throw new Error('testPolicy lists Exchange Administrator');
  const roleMap = new Map(testPolicy.roles);
  roleMap.set('Exchange Administrator', { ...exchange, policy: change(exchange.policy) });
  return { ...testPolicy, roles: roleMap };
}

const mfaRequired = exchangePolicy((p) => ({ ...p, mfaRequired: true }));
const stepUp = exchangePolicy((p) => ({ ...p, approval: { ...p.approval, stepUp: 900 } }));

describe('a role that needs MFA, without sign-in from chat', () => {
  it('is refused at submit when policy.yaml sets mfa.required: nothing stored, nobody asked', async () => {
    const t = testTenant(null, mfaRequired);
    const result = await submit(t.deps, input());
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'policy.mfa_unavailable',
        message:
          '`Exchange Administrator` needs an MFA sign-in, and sign-in from chat is not set up on this bot, so nothing was granted. Activate it in the Entra portal (PIM), or ask the bot administrators to set PUBLIC_URL and the app\'s redirect URI (README, "Sign-in from chat").',
      },
    });
    expect(await t.deps.store.listInStates(['pending_approval', 'approved'])).toEqual([]);
    expect(t.scheduler.pending()).toEqual([]);
    expect(t.privileges.activateCalls).toBe(0);
  });

  it('is refused when PIM asks for MFA (MultiFactorAuthentication or AuthenticationContext)', async () => {
    const t = testTenant();
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true });
    const result = await submit(t.deps, input());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('policy.mfa_unavailable');
    expect(!result.ok && result.error.message).toContain(
      'ask the bot administrators to set PUBLIC_URL',
    );
    expect(t.scheduler.pending()).toEqual([]);
  });

  it('is refused when its approval has a stepUp window', async () => {
    const t = testTenant(null, stepUp);
    const result = await submit(t.deps, input());
    expect(!result.ok && result.error.message).toContain('needs an MFA sign-in from its approvers');
  });

  it('refuses a whole multi-role request, naming the role that needs MFA', async () => {
    const t = testTenant(null, mfaRequired);
    const result = await submit(
      t.deps,
      input({ targets: roleTargets([roles.helpdesk, roles.exchange]) }),
    );
    expect(!result.ok && result.error.message).toMatch(/^`Exchange Administrator` needs an MFA/);
    expect(t.privileges.activateCalls).toBe(0);
  });

  it('leaves other roles as they were', async () => {
    const t = testTenant(null, mfaRequired);
    const result = await submit(t.deps, input({ targets: roleTargets([roles.helpdesk]) }));
    expect(result.ok && result.value.state).toBe('approved');
  });

  it('is marked in the roles list', async () => {
    const t = testTenant(null, mfaRequired);
    const rows = await eligibleRoles(t.deps, people.alice);
    expect(rows.map((r) => [r.name, r.needsMfa])).toEqual([
      ['Exchange Administrator', true],
      ['Global Administrator', false],
      ['Helpdesk Administrator', false],
    ]);
  });

  it('fails at activation, granting nothing, when PIM began asking for MFA after submit', async () => {
    const t = testTenant();
    const submitted = await submit(t.deps, input());
    if (!submitted.ok) throw new Error(submitted.error.message);
    const approved = await approve(t.deps, submitted.value.id, people.bob);
    expect(approved.ok && approved.value.state).toBe('approved');
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true });

    const result = await activate(t.deps, submitted.value.id);
    expect(result).toMatchObject({
      ok: true,
      value: {
        state: 'failed',
        failure: {
          code: 'policy.mfa_unavailable',
          message: expect.stringMatching(
            /^`Exchange Administrator` needs an MFA sign-in, and sign-in from chat is not set up/,
          ),
        },
      },
    });
    expect(t.privileges.activateCalls).toBe(0);
    expect(await t.privileges.activeAssignments(people.alice.id)).toEqual([]);
    expect(t.notifier.changes(submitted.value.id).at(-1)).toBe('failed');
    const actions = (await t.deps.audit.list({ limit: 10 })).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(['grant.activating', 'grant.failed']);
  });
});
