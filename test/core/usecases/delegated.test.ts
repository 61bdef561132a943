/**
 * Delegated mode in the core, on the in-memory ports: an approved delegated request waits for
 * the requester's `delegate` sign-in and is activated only with the token it brings, never by
 * the app's own grant (not on a retry either); early end asks for a fresh sign-in; expiry is
 * Entra's, so the expire job removes nothing.
 */
import { describe, expect, it } from 'vitest';
import { MemorySignInStore } from '../../../adapters/signin/store.ts';
import { roleTargets, type TargetSpec } from '../../../bot/core/commands/command.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import type { Target } from '../../../bot/core/domain/target.ts';
import type { DelegatedPrivileges } from '../../../bot/core/ports/delegated-privileges.ts';
import type { PrivilegeProvider } from '../../../bot/core/ports/privilege-provider.ts';
import type { SignInGrant } from '../../../bot/core/ports/sign-in.ts';
import { ok } from '../../../bot/core/result.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { delegatedSignIn, pimReviewSignIn } from '../../../bot/core/usecases/delegated.ts';
import type { CoreDeps } from '../../../bot/core/usecases/deps.ts';
import { end } from '../../../bot/core/usecases/end.ts';
import { reconcile } from '../../../bot/core/usecases/reconcile.ts';
import { applyTransition } from '../../../bot/core/usecases/record.ts';
import { type SubmitInput, submit } from '../../../bot/core/usecases/submit.ts';
import {
  MIXED_WORLD,
  people,
  roles,
  SUBSCRIPTION,
  testPolicy,
  testTenant,
} from '../../support/tenant.ts';

const input: SubmitInput = {
  requester: people.alice,
  platform: 'slack',
  targets: roleTargets([roles.exchange]),
  scope: '/',
  durationSeconds: 3600,
  startAt: null,
  ticket: null,
  reason: 'fixing mail flow INC-4711',
};

const SUB = `/subscriptions/${SUBSCRIPTION}`;

function delegatedPolicy(): Policy {
  const roleMap = new Map(
    [...testPolicy.roles].map(([name, r]) => [
      name,
      { ...r, policy: { ...r.policy, mode: 'delegated' as const } },
    ]),
  );
  const defaults = { ...testPolicy.defaults, mode: 'delegated' as const };
  return {
    ...testPolicy,
    defaults,
    roles: roleMap,
    azureRoles: new Map([['Contributor', { aliases: [], policy: defaults }]]),
    azure: { scopes: [SUB] },
  };
}

/** The delegated scope of each kind's API, as the adapters name them. */
const SCOPES: Record<Target['kind'], string> = {
  directory_role: 'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory',
  group: 'https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  azure_role: 'https://management.azure.com/user_impersonation',
};
/** One sign-in's tokens: `graph` for the Graph scopes, `arm` (when given) for ARM's. */
const tokens = (graph: string, arm?: string): ReadonlyMap<string, string> =>
  new Map([
    [SCOPES.directory_role, graph],
    [SCOPES.group, graph],
    ...(arm ? [[SCOPES.azure_role, arm] as const] : []),
  ]);

function world() {
  const t = testTenant(null, delegatedPolicy(), MIXED_WORLD);
  const links: SignInGrant[] = [];
  const appCalls: string[] = [];
  const selfCalls: string[] = [];
  // The app's own grant and removal are recorded: delegated mode must never use them.
  const privileges = new Proxy(t.deps.privileges, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value.bind(target) as (...a: unknown[]) => unknown;
      return prop === 'activate' || prop === 'deactivate' || prop === 'extend'
        ? (...a: unknown[]) => {
            appCalls.push(String(prop));
            return fn(...a);
          }
        : fn;
    },
  }) as PrivilegeProvider;
  const delegated: DelegatedPrivileges = {
    kinds: new Set<Target['kind']>(['directory_role', 'group', 'azure_role']),
    scopeFor: (kind) => SCOPES[kind],
    selfActivate: async (token, grant) => {
      selfCalls.push(`activate ${token} ${grant.principalId} ${grant.target.name}`);
      return ok({ endsAt: grant.startAt + grant.durationSeconds * 1000 });
    },
    selfDeactivate: async (token, principalId, target) => {
      selfCalls.push(`deactivate ${token} ${principalId} ${target.name}`);
      return ok(undefined);
    },
  };
  const deps: CoreDeps = {
    ...t.deps,
    privileges,
    delegated,
    signIn: {
      links: {
        create: async (grant) => {
          links.push(grant);
          return `https://elevate.example/auth/start?t=${links.length}`;
        },
      },
      proofs: new MemorySignInStore(() => t.clock.now()),
    },
  };
  return { ...t, deps, links, appCalls, selfCalls };
}

async function approved(
  w: ReturnType<typeof world>,
  targets: readonly TargetSpec[] = input.targets,
): Promise<string> {
  const submitted = await submit(w.deps, { ...input, targets });
  if (!submitted.ok) throw new Error(submitted.error.message);
  const done = await approve(w.deps, submitted.value.id, people.bob);
  if (!done.ok) throw new Error(done.error.message);
  return done.value.id;
}

const grantFor = (requestId: string): SignInGrant => ({
  requestId,
  person: people.alice,
  purpose: 'delegate',
});

describe('delegated mode', () => {
  it("waits for the requester's sign-in, then activates with that token only", async () => {
    const w = world();
    const id = await approved(w);
    const waiting = await activate(w.deps, id);
    expect(waiting.ok && waiting.value.state).toBe('awaiting_mfa');
    // A retried job finds it waiting: still nothing granted.
    const again = await activate(w.deps, id);
    expect(again.ok && again.value.state).toBe('awaiting_mfa');
    const active = await delegatedSignIn(w.deps, grantFor(id), tokens('token-1'));
    expect(active.ok && active.value.state).toBe('active');
    expect(w.selfCalls).toEqual([`activate token-1 ${people.alice.id} Exchange Administrator`]);
    expect(w.appCalls).toEqual([]);
  });

  it('ends early only with a fresh sign-in, and leaves expiry to Entra', async () => {
    const w = world();
    const id = await approved(w);
    await activate(w.deps, id);
    await delegatedSignIn(w.deps, grantFor(id), tokens('token-1'));
    const asked = await end(w.deps, id, 'deactivated', people.alice);
    expect(!asked.ok && asked.error.code).toBe('delegated.sign_in_needed');
    expect(!asked.ok && asked.error.link?.url).toMatch(/auth\/start/);
    expect(w.links.at(-1)?.purpose).toBe('delegate');
    expect((await w.deps.store.get(id))?.state).toBe('active');
    const ended = await delegatedSignIn(w.deps, grantFor(id), tokens('token-2'));
    expect(ended.ok && ended.value.state).toBe('ended');
    expect(w.selfCalls.at(-1)).toBe(`deactivate token-2 ${people.alice.id} Exchange Administrator`);

    const other = await approved(w);
    await activate(w.deps, other);
    await delegatedSignIn(w.deps, grantFor(other), tokens('token-3'));
    const expired = await end(w.deps, other, 'expired', null);
    expect(expired.ok && expired.value.state).toBe('ended');
    expect(w.appCalls).toEqual([]);
  });

  it('gives each target the token of its own API, and refuses one the sign-in brought none for', async () => {
    const w = world();
    const both = [...input.targets, { kind: 'azure_role' as const, name: 'Contributor', on: SUB }];
    const id = await approved(w, both);
    await activate(w.deps, id);
    const active = await delegatedSignIn(w.deps, grantFor(id), tokens('graph-1', 'arm-1'));
    expect(active.ok && active.value.state).toBe('active');
    expect(w.selfCalls).toEqual([
      `activate graph-1 ${people.alice.id} Exchange Administrator`,
      `activate arm-1 ${people.alice.id} Contributor`,
    ]);

    const v = world();
    const other = await approved(v, both);
    await activate(v.deps, other);
    const partial = await delegatedSignIn(v.deps, grantFor(other), tokens('graph-2'));
    expect(partial.ok && partial.value.state).toBe('active');
    expect(partial.ok && partial.value.failedTargets?.map((f) => [f.target.name, f.code])).toEqual([
      ['Contributor', 'delegated.refused'],
    ]);
    expect(v.selfCalls).toEqual([`activate graph-2 ${people.alice.id} Exchange Administrator`]);
    expect([...w.appCalls, ...v.appCalls]).toEqual([]);
  });

  it('an interrupted activation is not picked up by the app: it fails and says why', async () => {
    const w = world();
    const id = await approved(w);
    // As if a worker died between `activating` and the grant: the retry has no token.
    await applyTransition(w.deps, id, { type: 'start_activation' }, 'grant.activating', null);
    const resumed = await activate(w.deps, id, { resume: true });
    expect(resumed.ok && resumed.value.failure?.code).toBe('delegated.token_missing');
    expect(w.appCalls).toEqual([]);
  });
});

describe("delegated mode, PIM's own approval", () => {
  /** PIM holds every self-activation for Bob and Carol; their decisions are recorded. */
  function heldWorld() {
    const w = world();
    const reviews: string[] = [];
    w.privileges.setRules(roles.exchange.id, { approverIds: [people.bob.id, people.carol.id] });
    const delegated: DelegatedPrivileges = {
      ...(w.deps.delegated as DelegatedPrivileges),
      selfActivate: async (token, grant) => {
        w.selfCalls.push(`activate ${token} ${grant.principalId} ${grant.target.name}`);
        return ok({ endsAt: grant.startAt + 3600_000, pendingApproval: { approvalId: 'ap-1' } });
      },
      reviewApproval: async (token, target, approvalId, decision) => {
        reviews.push(`${decision} ${approvalId} ${target.name} ${token}`);
        return ok(undefined);
      },
    };
    return { ...w, deps: { ...w.deps, delegated }, reviews };
  }

  async function held(w: ReturnType<typeof heldWorld>): Promise<string> {
    const id = await approved(w);
    await activate(w.deps, id);
    const waiting = await delegatedSignIn(w.deps, grantFor(id), tokens('token-1'));
    expect(waiting.ok && waiting.value).toMatchObject({
      state: 'activating',
      pimApproval: { approvalId: 'ap-1', approverIds: [people.bob.id, people.carol.id] },
    });
    expect(w.notifier.changes(id)).toContain('pim_approval_pending');
    return id;
  }

  const review = (id: string, person: typeof people.bob, decision: 'approve' | 'deny') => ({
    requestId: id,
    person,
    purpose: 'pim_review' as const,
    decision,
  });

  it("activates when one of PIM's approvers approves with their own token; nobody decides twice", async () => {
    const w = heldWorld();
    const id = await held(w);
    const self = await pimReviewSignIn(
      w.deps,
      review(id, people.alice, 'approve'),
      tokens('token-a'),
    );
    expect(self).toMatchObject({ ok: false, error: { code: 'request.self_approval' } });
    const approvedInPim = await pimReviewSignIn(
      w.deps,
      review(id, people.bob, 'approve'),
      tokens('token-b'),
    );
    expect(approvedInPim.ok && approvedInPim.value.state).toBe('active');
    expect(w.reviews).toEqual(['approve ap-1 Exchange Administrator token-b']);
    const late = await pimReviewSignIn(w.deps, review(id, people.carol, 'deny'), tokens('token-c'));
    expect(late).toMatchObject({ ok: false, error: { code: 'delegated.no_pim_approval' } });
    expect(w.appCalls).toEqual([]);
  });

  it("fails with who denied it, and fails as expired after PIM's window; reconcile leaves it waiting until then", async () => {
    const w = heldWorld();
    const denied = await held(w);
    const no = await pimReviewSignIn(
      w.deps,
      review(denied, people.carol, 'deny'),
      tokens('token-c'),
    );
    expect(no.ok && no.value).toMatchObject({
      state: 'failed',
      failure: { code: 'delegated.pim_denied' },
    });
    const waiting = await held(w);
    w.clock.advance(3_600_000);
    await reconcile(w.deps);
    expect((await w.deps.store.get(waiting))?.state).toBe('activating');
    w.clock.advance(24 * 3_600_000);
    await reconcile(w.deps);
    expect(await w.deps.store.get(waiting)).toMatchObject({
      state: 'failed',
      failure: { code: 'delegated.pim_expired' },
    });
  });

  it('follows a decision made in the Entra portal: reconcile reads PIM and the request moves with it', async () => {
    const w = heldWorld();
    let pim: 'pending_approval' | 'granted' | 'denied' = 'pending_approval';
    const delegated: DelegatedPrivileges = {
      ...(w.deps.delegated as DelegatedPrivileges),
      activationState: async (principalId, target, requestId) => {
        w.selfCalls.push(`state ${principalId} ${target.name} ${requestId}`);
        return ok({ state: pim });
      },
    };
    const deps = { ...w.deps, delegated };
    const id = await held({ ...w, deps });
    await reconcile(deps);
    expect((await deps.store.get(id))?.state).toBe('activating');
    pim = 'granted';
    await reconcile(deps);
    expect((await deps.store.get(id))?.state).toBe('active');
    expect(w.selfCalls).toContain(`state ${people.alice.id} Exchange Administrator ${id}`);
    // Another tenant of the same kind, whose approver denies in the portal.
    const v = heldWorld();
    const vDeps = { ...v.deps, delegated: { ...delegated } };
    const denied = await held({ ...v, deps: vDeps });
    pim = 'denied';
    await reconcile(vDeps);
    expect(await vDeps.store.get(denied)).toMatchObject({
      state: 'failed',
      failure: { code: 'delegated.pim_denied' },
    });
    expect(w.appCalls).toEqual([]);
  });
});
