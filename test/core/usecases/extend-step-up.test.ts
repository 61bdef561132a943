/**
 * Extending an active grant of a role that needs MFA, in the core on the in-memory ports: the
 * end moves in PIM only after the requester's fresh verified sign-in for that one extension
 * (after the approvers where `extensions: reapprove`); a refused, replayed, foreign or
 * late sign-in never extends, and at mfa.timeout the grant keeps its end.
 */
import { describe, expect, it } from 'vitest';
import { MemorySignInStore } from '../../../adapters/signin/store.ts';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Policy, RolePolicy } from '../../../bot/core/domain/policy.ts';
import { appError } from '../../../bot/core/errors.ts';
import type { SignInGrant } from '../../../bot/core/ports/sign-in.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import type { CoreDeps } from '../../../bot/core/usecases/deps.ts';
import { extend, extensionSignInVerified } from '../../../bot/core/usecases/extend.ts';
import { reconcile } from '../../../bot/core/usecases/reconcile.ts';
import {
  mfaTimedOut,
  renewSignInLink,
  signInRefused,
  signInVerified,
} from '../../../bot/core/usecases/step-up.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { outcomeText } from '../../../cards/outcome-text.ts';
import { people, roles, testPolicy, testTenant } from '../../support/tenant.ts';

function exchangePolicy(change: (p: RolePolicy) => RolePolicy): Policy {
  const exchange = testPolicy.roles.get('Exchange Administrator');
  if (!exchange) throw new Error('testPolicy lists Exchange Administrator');
  const roleMap = new Map(testPolicy.roles);
  roleMap.set('Exchange Administrator', { ...exchange, policy: change(exchange.policy) });
  return { ...testPolicy, roles: roleMap };
}

const mfaPolicy = exchangePolicy((p) => ({ ...p, mfaRequired: true }));
const mfaReapprove = exchangePolicy((p) => ({
  ...p,
  mfaRequired: true,
  approval: { ...p.approval, extensions: 'reapprove' },
}));

/** An active Exchange Administrator grant of Alice's, her activation sign-in done. */
async function activeGrant(policy: Policy, withSignIn = true) {
  const t = testTenant(null, policy);
  const store = new MemorySignInStore(() => t.clock.now());
  let links = 0;
  const deps: CoreDeps = withSignIn
    ? {
        ...t.deps,
        signIn: {
          links: { create: async () => `https://elevate.example/auth/start?t=${++links}` },
          proofs: store,
        },
      }
    : t.deps;
  const asked = await submit(deps, {
    requester: people.alice,
    platform: 'slack',
    targets: roleTargets([roles.exchange]),
    scope: '/',
    durationSeconds: 3600,
    startAt: null,
    ticket: null,
    reason: 'fixing mail flow INC-4711',
  });
  if (!asked.ok) throw new Error(asked.error.message);
  const approved = await approve(deps, asked.value.id, people.bob);
  if (!approved.ok) throw new Error(approved.error.message);
  const first = await activate(deps, asked.value.id);
  if (first.ok && first.value.state === 'awaiting_mfa') {
    const verified = await signInVerified(
      deps,
      { requestId: asked.value.id, person: people.alice, purpose: 'activate' },
      approve,
    );
    if (!verified.ok) throw new Error(verified.error.message);
  }
  const active = await activate(deps, asked.value.id);
  if (!active.ok || active.value.state !== 'active')
    throw new Error(active.ok ? active.value.state : active.error.message);
  return { t, deps, grant: active.value };
}

const pimEnd = async (t: ReturnType<typeof testTenant>) =>
  (await t.privileges.activeAssignments(people.alice.id))[0]?.endsAt;

function extendGrant(requestId: string, extension: number | undefined): SignInGrant {
  return {
    requestId,
    person: people.alice,
    purpose: 'extend',
    ...(extension === undefined ? {} : { extension }),
  };
}

describe('extending a grant whose role needs MFA', () => {
  it('moves the end in PIM only after the requester signs in for this extension, once', async () => {
    const { t, deps, grant } = await activeGrant(mfaPolicy);
    const endsAt = grant.endsAt ?? 0;
    t.clock.advance(10 * 60_000);
    const asked = await extend(deps, grant.id, people.alice, 1800);
    if (!asked.ok) throw new Error(asked.error.message);
    const waiting = asked.value.extensionStepUp;
    expect(asked.value).toMatchObject({ state: 'active', endsAt });
    expect(waiting).toEqual({
      seconds: 1800,
      askedAt: t.clock.now(),
      deadline: t.clock.now() + 15 * 60_000,
    });
    expect(await pimEnd(t)).toBe(endsAt);
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_awaiting_mfa');
    expect(t.scheduler.pending()).toContainEqual({
      job: 'mfa-timeout',
      requestId: grant.id,
      runAt: waiting?.deadline,
    });
    // A second ask while this one waits is refused, not stacked.
    expect(await extend(deps, grant.id, people.alice, 600)).toMatchObject({
      ok: false,
      error: { code: 'request.extension_pending' },
    });

    const done = await extensionSignInVerified(deps, extendGrant(grant.id, waiting?.askedAt));
    expect(done).toMatchObject({
      ok: true,
      value: { endsAt: endsAt + 1800_000, extensionStepUp: null },
    });
    expect(await pimEnd(t)).toBe(endsAt + 1800_000);
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extended');
    expect(t.scheduler.pending().map((j) => j.job)).not.toContain('mfa-timeout');
    const actions = (await deps.audit.list({ limit: 50 })).map((e) => e.action);
    expect(actions.slice(-3)).toEqual([
      'grant.extension_awaiting_mfa',
      'request.mfa_verified',
      'grant.extended',
    ]);

    // The same sign-in again (a second link, a replay) extends nothing more.
    const again = await extensionSignInVerified(deps, extendGrant(grant.id, waiting?.askedAt));
    expect(!again.ok && again.error.code).toBe('signin.not_waiting');
    expect(await pimEnd(t)).toBe(endsAt + 1800_000);
  });

  it('asks when only PIM requires MFA', async () => {
    const { t, deps, grant } = await activeGrant(testPolicy, true);
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true });
    const asked = await extend(deps, grant.id, people.alice, 1800);
    expect(asked.ok && asked.value.extensionStepUp?.seconds).toBe(1800);
    expect(await pimEnd(t)).toBe(grant.endsAt);
  });

  it('does not count an activation sign-in, a link of an earlier extension or someone else', async () => {
    const { t, deps, grant } = await activeGrant(mfaPolicy);
    const first = await extend(deps, grant.id, people.alice, 600);
    const firstAt = first.ok ? first.value.extensionStepUp?.askedAt : -1;
    t.clock.advance(15 * 60_000);
    await mfaTimedOut(deps, grant.id);
    t.clock.advance(60_000);
    const second = await extend(deps, grant.id, people.alice, 1800);
    if (!second.ok) throw new Error(second.error.message);

    const activation = await signInVerified(
      deps,
      { requestId: grant.id, person: people.alice, purpose: 'activate' },
      approve,
    );
    expect(!activation.ok && activation.error.code).toBe('signin.not_waiting');
    const stale = await extensionSignInVerified(deps, extendGrant(grant.id, firstAt));
    expect(!stale.ok && stale.error.code).toBe('signin.not_waiting');
    const unbound = await extensionSignInVerified(deps, extendGrant(grant.id, undefined));
    expect(!unbound.ok && unbound.error.code).toBe('signin.not_waiting');
    const bob = await extensionSignInVerified(deps, {
      ...extendGrant(grant.id, second.value.extensionStepUp?.askedAt),
      person: people.bob,
    });
    expect(!bob.ok && bob.error.code).toBe('request.not_requester');
    const asApprover = await signInVerified(
      deps,
      { requestId: grant.id, person: people.alice, purpose: 'approve' },
      approve,
    );
    expect(asApprover.ok).toBe(false);
    expect(await pimEnd(t)).toBe(grant.endsAt);
    expect((await deps.store.get(grant.id))?.extensionStepUp?.seconds).toBe(1800);
  });

  it('records a refused sign-in, sends a fresh link and does not extend', async () => {
    const { t, deps, grant } = await activeGrant(mfaPolicy);
    const asked = await extend(deps, grant.id, people.alice, 1800);
    const at = asked.ok ? asked.value.extensionStepUp?.askedAt : -1;
    await signInRefused(deps, extendGrant(grant.id, at), appError('signin.no_mfa'));
    const request = await deps.store.get(grant.id);
    expect(request?.signInNotice?.message).toContain('did not use multi-factor');
    expect(request?.extensionStepUp?.askedAt).toBe(at);
    expect(t.notifier.changes(grant.id).at(-1)).toBe('sign_in_refused');
    expect(await pimEnd(t)).toBe(grant.endsAt);
    if (!request) throw new Error('stored');
    expect(outcomeText(request, 'sign_in_refused', 'requester', {}, t.clock.now(), 'UTC')).toMatch(
      /The grant is not extended; sign in with the new link by/,
    );
    // The requester may ask for another link while it waits (chat sends it with the change).
    expect((await renewSignInLink(deps, grant.id, people.alice)).ok).toBe(true);
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_awaiting_mfa');
  });

  it('lapses at mfa.timeout: the grant keeps its end and runs on; a late sign-in changes nothing', async () => {
    const { t, deps, grant } = await activeGrant(mfaPolicy);
    const asked = await extend(deps, grant.id, people.alice, 1800);
    const at = asked.ok ? asked.value.extensionStepUp?.askedAt : -1;
    // A timer that fires early changes nothing.
    expect((await mfaTimedOut(deps, grant.id)).ok).toBe(true);
    expect((await deps.store.get(grant.id))?.extensionStepUp).toBeTruthy();
    t.clock.advance(15 * 60_000);
    const lapsed = await mfaTimedOut(deps, grant.id);
    expect(lapsed).toMatchObject({
      ok: true,
      value: { state: 'active', endsAt: grant.endsAt, extensionStepUp: null, failure: null },
    });
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_mfa_expired');
    if (!lapsed.ok) throw new Error('lapsed');
    expect(
      outcomeText(lapsed.value, 'extension_mfa_expired', 'requester', {}, t.clock.now(), 'UTC'),
    ).toMatch(/was not extended; it still ends .* as planned/);
    expect(t.scheduler.pending().map((j) => j.job)).toContain('expire');
    const late = await extensionSignInVerified(deps, extendGrant(grant.id, at));
    expect(!late.ok && late.error.code).toBe('signin.not_waiting');
    expect(await pimEnd(t)).toBe(grant.endsAt);
    // It can be asked again.
    expect((await extend(deps, grant.id, people.alice, 600)).ok).toBe(true);
  });

  it('has its timeout put back by reconcile', async () => {
    const { t, deps, grant } = await activeGrant(mfaPolicy);
    const asked = await extend(deps, grant.id, people.alice, 1800);
    await deps.scheduler.cancel('mfa-timeout', grant.id);
    await reconcile(deps);
    expect(t.scheduler.pending()).toContainEqual({
      job: 'mfa-timeout',
      requestId: grant.id,
      runAt: asked.ok ? asked.value.extensionStepUp?.deadline : -1,
    });
  });

  it('with extensions: reapprove, asks for the sign-in only after the approvers', async () => {
    const { t, deps, grant } = await activeGrant(mfaReapprove);
    const asked = await extend(deps, grant.id, people.alice, 1800);
    expect(asked).toMatchObject({ ok: true, value: { extension: { seconds: 1800 } } });
    expect(asked.ok && asked.value.extensionStepUp).toBeFalsy();
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_requested');
    const approved = await approve(deps, grant.id, people.bob);
    if (!approved.ok) throw new Error(approved.error.message);
    expect(approved.value).toMatchObject({ extension: null, extensionStepUp: { seconds: 1800 } });
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_awaiting_mfa');
    expect(await pimEnd(t)).toBe(grant.endsAt);
    const done = await extensionSignInVerified(
      deps,
      extendGrant(grant.id, approved.value.extensionStepUp?.askedAt),
    );
    expect(done.ok && done.value.endsAt).toBe((grant.endsAt ?? 0) + 1800_000);
    expect(await pimEnd(t)).toBe((grant.endsAt ?? 0) + 1800_000);
  });

  it('is refused without sign-in from chat (nothing can prove MFA)', async () => {
    const { t, grant } = await activeGrant(testPolicy, false);
    const deps = { ...t.deps };
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true });
    const refused = await extend(deps, grant.id, people.alice, 1800);
    expect(!refused.ok && refused.error.code).toBe('policy.mfa_unavailable');
    expect(await pimEnd(t)).toBe(grant.endsAt);
  });

  it('needs no sign-in for a role without MFA', async () => {
    const { t, deps, grant } = await activeGrant(testPolicy);
    const done = await extend(deps, grant.id, people.alice, 1800);
    expect(done.ok && done.value.endsAt).toBe((grant.endsAt ?? 0) + 1800_000);
    expect(await pimEnd(t)).toBe((grant.endsAt ?? 0) + 1800_000);
  });
});
