/**
 * MFA step-up in the core, on the in-memory ports: a request whose role needs MFA waits in
 * `awaiting_mfa` and is granted only after the requester's verified sign-in; it fails at
 * mfa.timeout; an approver under approval.stepUp must bring a fresh proof for approving,
 * which never counts for another purpose.
 */
import { describe, expect, it } from 'vitest';
import { MemorySignInStore } from '../../../adapters/signin/store.ts';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Policy, RolePolicy } from '../../../bot/core/domain/policy.ts';
import { appError } from '../../../bot/core/errors.ts';
import type { SignInGrant } from '../../../bot/core/ports/sign-in.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { cancel } from '../../../bot/core/usecases/cancel.ts';
import { approve, deny } from '../../../bot/core/usecases/decide.ts';
import type { CoreDeps } from '../../../bot/core/usecases/deps.ts';
import {
  mfaTimedOut,
  signInRefused,
  signInRule,
  signInVerified,
} from '../../../bot/core/usecases/step-up.ts';
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

function exchangePolicy(change: (p: RolePolicy) => RolePolicy): Policy {
  const exchange = testPolicy.roles.get('Exchange Administrator');
  if (!exchange) throw new Error('testPolicy lists Exchange Administrator');
  const roleMap = new Map(testPolicy.roles);
  roleMap.set('Exchange Administrator', { ...exchange, policy: change(exchange.policy) });
  return { ...testPolicy, roles: roleMap };
}

/** A tenant with sign-in from chat on: links are recorded instead of sent. */
function withSignIn(policy: Policy = testPolicy) {
  const t = testTenant(null, policy);
  const store = new MemorySignInStore(() => t.clock.now());
  const links: SignInGrant[] = [];
  const deps: CoreDeps = {
    ...t.deps,
    signIn: {
      links: {
        create: async (grant) => {
          links.push(grant);
          return `https://elevate.example/auth/start?t=${links.length}`;
        },
      },
      proofs: store,
    },
  };
  return { ...t, deps, links, store };
}

const mfaPolicy = exchangePolicy((p) => ({ ...p, mfaRequired: true }));
const stepUpPolicy = exchangePolicy((p) => ({ ...p, approval: { ...p.approval, stepUp: 900 } }));
const asAlice: SignInGrant = { requestId: '', person: people.alice, purpose: 'activate' };

async function approvedRequest(t: ReturnType<typeof withSignIn>) {
  const submitted = await submit(t.deps, input());
  if (!submitted.ok) throw new Error(submitted.error.message);
  const approved = await approve(t.deps, submitted.value.id, people.bob);
  if (!approved.ok) throw new Error(approved.error.message);
  return approved.value.id;
}

describe('requester step-up', () => {
  it('waits in awaiting_mfa, grants only after the verified sign-in, once', async () => {
    const t = withSignIn(mfaPolicy);
    const id = await approvedRequest(t);
    const waiting = await activate(t.deps, id);
    expect(waiting.ok && waiting.value.state).toBe('awaiting_mfa');
    expect(waiting.ok && waiting.value.stepUp?.deadline).toBe(t.clock.now() + 15 * 60_000);
    expect(t.privileges.activateCalls).toBe(0);
    expect(t.notifier.changes(id).at(-1)).toBe('awaiting_mfa');
    expect(t.scheduler.pending().map((j) => j.job)).toContain('mfa-timeout');
    // The activate job running again (a retry) does not grant either.
    expect((await activate(t.deps, id)).ok).toBe(true);
    expect(t.privileges.activateCalls).toBe(0);

    const verified = await signInVerified(t.deps, { ...asAlice, requestId: id }, approve);
    expect(verified.ok && verified.value.state).toBe('approved');
    expect(t.scheduler.pending().map((j) => j.job)).not.toContain('mfa-timeout');
    const active = await activate(t.deps, id);
    expect(active.ok && active.value.state).toBe('active');
    expect(t.privileges.activateCalls).toBe(1);

    const second = await signInVerified(t.deps, { ...asAlice, requestId: id }, approve);
    expect(!second.ok && second.error.code).toBe('signin.not_waiting');
    expect(t.privileges.activateCalls).toBe(1);
  });

  it('asks for MFA when only PIM requires it', async () => {
    const t = withSignIn();
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true });
    const id = await approvedRequest(t);
    const waiting = await activate(t.deps, id);
    expect(waiting.ok && waiting.value.state).toBe('awaiting_mfa');
  });

  it("asks for the authentication context of the role's PIM settings", async () => {
    const t = withSignIn();
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true, authenticationContext: 'c3' });
    const id = await approvedRequest(t);
    const waiting = await activate(t.deps, id);
    if (!waiting.ok) throw new Error(waiting.error.message);
    expect((await signInRule(t.deps, waiting.value)).contexts).toEqual(['c3']);
  });

  it('does not take a sign-in from anyone but the requester', async () => {
    const t = withSignIn(mfaPolicy);
    const id = await approvedRequest(t);
    await activate(t.deps, id);
    const bob = await signInVerified(
      t.deps,
      { requestId: id, person: people.bob, purpose: 'activate' },
      approve,
    );
    expect(!bob.ok && bob.error.code).toBe('request.not_requester');
    expect((await t.deps.store.get(id))?.state).toBe('awaiting_mfa');
  });

  it('records a refused sign-in on the request without moving it', async () => {
    const t = withSignIn(mfaPolicy);
    const id = await approvedRequest(t);
    await activate(t.deps, id);
    await signInRefused(t.deps, { ...asAlice, requestId: id }, appError('signin.no_mfa'));
    const request = await t.deps.store.get(id);
    expect(request?.state).toBe('awaiting_mfa');
    expect(request?.signInNotice?.message).toContain('did not use multi-factor');
    expect(t.notifier.changes(id).at(-1)).toBe('sign_in_refused');
    expect(t.privileges.activateCalls).toBe(0);
  });

  it('fails at mfa.timeout, and a late sign-in changes nothing', async () => {
    const t = withSignIn(mfaPolicy);
    const id = await approvedRequest(t);
    await activate(t.deps, id);
    t.clock.advance(15 * 60_000);
    const failed = await mfaTimedOut(t.deps, id);
    expect(failed.ok && failed.value.state).toBe('failed');
    expect(failed.ok && failed.value.failure?.message).toBe(
      'Nobody signed in with MFA within 15m of the approval, so nothing was granted. Request it again when you can sign in.',
    );
    const actions = (await t.deps.audit.list({ limit: 50 })).map((e) => e.action);
    expect(actions.slice(-1)).toEqual(['grant.failed']);
    const late = await signInVerified(t.deps, { ...asAlice, requestId: id }, approve);
    expect(!late.ok && late.error.code).toBe('signin.not_waiting');
    expect(t.privileges.activateCalls).toBe(0);
  });

  it('has its timeout put back by reconcile (a lost timer cannot leave it waiting)', async () => {
    const t = withSignIn(mfaPolicy);
    const id = await approvedRequest(t);
    const waiting = await activate(t.deps, id);
    await t.deps.scheduler.cancel('mfa-timeout', id);
    const { reconcile } = await import('../../../bot/core/usecases/reconcile.ts');
    await reconcile(t.deps);
    expect(t.scheduler.pending()).toContainEqual({
      job: 'mfa-timeout',
      requestId: id,
      runAt: waiting.ok ? waiting.value.stepUp?.deadline : -1,
    });
  });

  it('lets the requester cancel while waiting', async () => {
    const t = withSignIn(mfaPolicy);
    const id = await approvedRequest(t);
    await activate(t.deps, id);
    const { cancel } = await import('../../../bot/core/usecases/cancel.ts');
    const canceled = await cancel(t.deps, id, people.alice);
    expect(canceled.ok && canceled.value.state).toBe('canceled');
  });
});

describe('approver step-up', () => {
  it('answers Approve with a link, counts it after the sign-in, then within the window', async () => {
    const t = withSignIn(stepUpPolicy);
    const first = await submit(t.deps, input());
    if (!first.ok) throw new Error(first.error.message);
    const click = await approve(t.deps, first.value.id, people.bob);
    expect(!click.ok && click.error.code).toBe('approval.sign_in_needed');
    expect(!click.ok && click.error.link?.url).toMatch(/^https:\/\/elevate\.example\/auth\/start/);
    expect(t.links.at(-1)).toEqual({
      requestId: first.value.id,
      person: people.bob,
      purpose: 'approve',
    });
    expect((await t.deps.store.get(first.value.id))?.approvals).toEqual([]);

    const verified = await signInVerified(
      t.deps,
      { requestId: first.value.id, person: people.bob, purpose: 'approve' },
      approve,
    );
    expect(verified.ok && verified.value.state).toBe('approved');
    // The requester withdraws each request before asking again: a second open request for the
    // same role is refused.
    expect((await cancel(t.deps, first.value.id, people.alice)).ok).toBe(true);

    t.clock.advance(10 * 60_000);
    const second = await submit(t.deps, input({ reason: 'second fix of the mail flow' }));
    if (!second.ok) throw new Error(second.error.message);
    expect((await approve(t.deps, second.value.id, people.bob)).ok).toBe(true);
    expect((await cancel(t.deps, second.value.id, people.alice)).ok).toBe(true);

    t.clock.advance(6 * 60_000);
    const third = await submit(t.deps, input({ reason: 'third fix of the mail flow' }));
    if (!third.ok) throw new Error(third.error.message);
    const stale = await approve(t.deps, third.value.id, people.bob);
    expect(!stale.ok && stale.error.code).toBe('approval.sign_in_needed');
  });

  it('keeps the checks of a click after the sign-in: self-approval and already decided', async () => {
    const t = withSignIn(stepUpPolicy);
    const submitted = await submit(t.deps, input());
    if (!submitted.ok) throw new Error(submitted.error.message);
    const self = await signInVerified(
      t.deps,
      { requestId: submitted.value.id, person: people.alice, purpose: 'approve' },
      approve,
    );
    expect(!self.ok && self.error.code).toBe('request.self_approval');
    await t.store.remember(people.carol.id, 'approve', t.clock.now(), 900);
    expect((await approve(t.deps, submitted.value.id, people.carol)).ok).toBe(true);
    const late = await signInVerified(
      t.deps,
      { requestId: submitted.value.id, person: people.bob, purpose: 'approve' },
      approve,
    );
    expect(!late.ok && late.error.code).toBe('request.already_decided');
  });

  it('needs no sign-in to deny', async () => {
    const t = withSignIn(stepUpPolicy);
    const submitted = await submit(t.deps, input());
    if (!submitted.ok) throw new Error(submitted.error.message);
    const denied = await deny(t.deps, submitted.value.id, people.bob, 'not during the freeze');
    expect(denied.ok && denied.value.state).toBe('denied');
  });

  it('never counts a proof for another purpose', async () => {
    const t = withSignIn(
      exchangePolicy((p) => ({
        ...p,
        mfaRequired: true,
        approval: { ...p.approval, stepUp: 900 },
      })),
    );
    // Alice proved MFA to approve; as a requester she still has to sign in.
    await t.store.remember(people.alice.id, 'approve', t.clock.now(), 900);
    await t.store.remember(people.bob.id, 'activate', t.clock.now(), 900);
    const submitted = await submit(t.deps, input());
    if (!submitted.ok) throw new Error(submitted.error.message);
    const click = await approve(t.deps, submitted.value.id, people.bob);
    expect(!click.ok && click.error.code).toBe('approval.sign_in_needed');
    await t.store.remember(people.bob.id, 'approve', t.clock.now(), 900);
    expect((await approve(t.deps, submitted.value.id, people.bob)).ok).toBe(true);
    const waiting = await activate(t.deps, submitted.value.id);
    expect(waiting.ok && waiting.value.state).toBe('awaiting_mfa');
  });
});
