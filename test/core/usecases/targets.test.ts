/**
 * The three kinds of PIM target through the core: a PIM group with member or owner, an Azure
 * role at a scope (by full id, by the name of an eligible scope or one under it), and a mixed
 * request with one approval, the strictest policy and one activation per target.
 */
import { describe, expect, it } from 'vitest';
import { roleTargets, type TargetSpec } from '../../../bot/core/commands/command.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { end } from '../../../bot/core/usecases/end.ts';
import { extend } from '../../../bot/core/usecases/extend.ts';
import { type SubmitInput, submit } from '../../../bot/core/usecases/submit.ts';
import {
  CONTRIBUTOR,
  MIXED_WORLD,
  PAYMENTS_GROUP,
  people,
  roles,
  SUBSCRIPTION,
  testPolicy,
  testTenant,
} from '../../support/tenant.ts';

const SUB = `/subscriptions/${SUBSCRIPTION}`;
const group = (name: string, access: 'member' | 'owner' = 'member'): TargetSpec => ({
  kind: 'group',
  name,
  access,
});
const azure = (name: string, on: string): TargetSpec => ({ kind: 'azure_role', name, on });

/** Groups need no approval; Azure Contributor is capped at 1 hour in policy.yaml. */
const policy: Policy = {
  ...testPolicy,
  groups: new Map([
    [
      'Payments Oncall',
      {
        aliases: ['payments'],
        policy: {
          ...testPolicy.defaults,
          approval: { ...testPolicy.defaults.approval, required: false },
        },
      },
    ],
  ]),
  azureRoles: new Map([
    ['Contributor', { aliases: [], policy: { ...testPolicy.defaults, maxDuration: 3600 } }],
  ]),
  azure: { scopes: [SUB] },
};

const input = (targets: TargetSpec[], over: Partial<SubmitInput> = {}): SubmitInput => ({
  requester: people.alice,
  platform: 'slack',
  targets,
  scope: '/',
  durationSeconds: 3600,
  startAt: null,
  ticket: null,
  reason: 'hotfix for the payments pager rota',
  ...over,
});

const tenant = () => testTenant(null, policy, MIXED_WORLD);

describe('PIM groups', () => {
  it('resolves a group by name or policy alias and grants membership under its own policy', async () => {
    const t = tenant();
    const result = await submit(t.deps, input([group('payments')]));
    expect(result).toMatchObject({ ok: true, value: { state: 'approved' } });
    if (result.ok) expect((await activate(t.deps, result.value.id)).ok).toBe(true);
    expect(result.ok && result.value.targets).toEqual([
      { kind: 'group', id: PAYMENTS_GROUP, name: 'Payments Oncall', scope: '/', access: 'member' },
    ]);
    expect((await t.privileges.activeAssignments(people.alice.id)).map((a) => a.target)).toEqual([
      expect.objectContaining({ kind: 'group', id: PAYMENTS_GROUP, access: 'member' }),
    ]);
  });

  it('extends a group membership in PIM', async () => {
    const t = tenant();
    const asked = await submit(
      t.deps,
      input([group('Payments Oncall')], { durationSeconds: 1800 }),
    );
    if (!asked.ok) throw new Error(asked.error.message);
    const active = await activate(t.deps, asked.value.id);
    const endsAt = active.ok ? (active.value.endsAt ?? 0) : 0;
    const more = await extend(t.deps, asked.value.id, people.alice, 1800);
    expect(more).toMatchObject({ ok: true, value: { endsAt: endsAt + 1_800_000 } });
    const [held] = await t.privileges.activeAssignments(people.alice.id);
    expect(held?.endsAt).toBe(endsAt + 1_800_000);
  });

  it("takes PIM's own maximum for membership (stricter than policy.yaml)", async () => {
    const t = tenant();
    const result = await submit(
      t.deps,
      input([group('Payments Oncall')], { durationSeconds: 3 * 3600 }),
    );
    expect(!result.ok && result.error.code).toBe('policy.duration_too_long');
  });

  it('refuses ownership to a person eligible for membership only, saying what to ask for', async () => {
    const t = tenant();
    const result = await submit(t.deps, input([group('Payments Oncall', 'owner')]));
    expect(!result.ok && result.error).toMatchObject({ code: 'policy.group_access' });
    expect(!result.ok && result.error.message).toMatch(
      /eligible for `Payments Oncall` as member, not as owner/,
    );
  });

  it('refuses a group the person is not eligible for, listing theirs', async () => {
    const t = tenant();
    const result = await submit(t.deps, input([group('Billing Admins')]));
    expect(!result.ok && result.error.message).toMatch(
      /not eligible for a PIM group called `Billing Admins`\. Yours: `Payments Oncall`/,
    );
  });
});

describe('Azure roles', () => {
  it('narrows an eligibility on the subscription to a resource group named by its name', async () => {
    const t = tenant();
    const result = await submit(t.deps, input([azure('Contributor', 'rg-payments')]));
    expect(result).toMatchObject({ ok: true, value: { state: 'pending_approval' } });
    expect(result.ok && result.value.targets[0]).toMatchObject({
      kind: 'azure_role',
      id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      scope: `${SUB}/resourceGroups/rg-payments`,
      scopeName: 'rg-payments',
    });
  });

  it('takes the eligible scope by its display name and a full id under it', async () => {
    const t = tenant();
    const byName = await submit(t.deps, input([azure('contributor', 'Pay-As-You-Go')]));
    expect(byName.ok && byName.value.targets[0]?.scope).toBe(SUB);
    const t2 = tenant();
    const id = `${SUB}/resourceGroups/rg-app/providers/Microsoft.Web/sites/payments-api`;
    const byId = await submit(t2.deps, input([azure('Contributor', id)]));
    expect(byId.ok && byId.value.targets[0]).toMatchObject({
      scope: id,
      scopeName: 'payments-api',
    });
  });

  it('refuses a scope outside the eligible ones, listing them', async () => {
    const t = tenant();
    const other = '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-x';
    const byId = await submit(t.deps, input([azure('Contributor', other)]));
    expect(!byId.ok && byId.error.code).toBe('policy.outside_scope');
    expect(!byId.ok && byId.error.message).toContain(`Pay-As-You-Go (${SUB})`);
    const byName = await submit(t.deps, input([azure('Contributor', 'rg-elsewhere')]));
    expect(!byName.ok && byName.error.code).toBe('policy.outside_scope');
    const role = await submit(t.deps, input([azure('Owner', 'rg-payments')]));
    expect(!role.ok && role.error.message).toMatch(
      /Azure role called `Owner`.*Yours: `Contributor`/,
    );
  });

  it('applies the azureRoles: section', async () => {
    const t = tenant();
    const result = await submit(
      t.deps,
      input([azure('Contributor', 'rg-payments')], { durationSeconds: 7200 }),
    );
    expect(!result.ok && result.error.code).toBe('policy.duration_too_long');
  });
});

describe('a request for all three kinds', () => {
  it('is one request with one approval and one activation per target, ended together', async () => {
    const t = tenant();
    const submitted = await submit(
      t.deps,
      input([
        ...roleTargets([roles.exchange]),
        group('Payments Oncall'),
        azure('Contributor', 'rg-payments'),
      ]),
    );
    expect(submitted).toMatchObject({ ok: true, value: { state: 'pending_approval' } });
    const request = submitted.ok ? submitted.value : null;
    if (!request) return;
    expect(request.targets.map((x) => x.kind)).toEqual(['directory_role', 'group', 'azure_role']);
    // The strictest: Exchange (4h) and Contributor (1h) and the group's PIM max (2h) → 1h.
    expect(request.approval.required).toBe(true);
    expect(t.notifier.changes(request.id)).toEqual(['submitted']);
    const approved = await approve(t.deps, request.id, people.bob);
    expect(approved.ok).toBe(true);
    t.privileges.activateCalls = 0;
    const active = await activate(t.deps, request.id);
    expect(active).toMatchObject({ ok: true, value: { state: 'active' } });
    expect(t.privileges.activateCalls).toBe(3);
    expect(
      (await t.privileges.activeAssignments(people.alice.id)).map((a) => a.target.kind).sort(),
    ).toEqual(['azure_role', 'directory_role', 'group']);
    // More time is bounded by each target's maximum: Contributor's 1h is already used up.
    const more = await extend(t.deps, request.id, people.alice, 15 * 60);
    expect(!more.ok && more.error).toMatchObject({ code: 'policy.extend_too_long' });
    expect(!more.ok && more.error.message).toContain('Contributor');
    // Azure keeps a role 5 minutes: the early end removes the rest now, Contributor then.
    const early = await end(t.deps, request.id, 'deactivated', people.alice);
    expect(!early.ok && early.error.code).toBe('arm.too_soon_to_remove');
    const deferred = await t.deps.store.get(request.id);
    expect(deferred?.state).toBe('active');
    expect(deferred?.endsAt).toBe((deferred?.activatedAt ?? 0) + 5 * 60_000);
    expect(
      (await t.privileges.activeAssignments(people.alice.id)).map((a) => a.target.kind),
    ).toEqual(['azure_role']);
    expect(
      t.scheduler.pending().find((j) => j.job === 'expire' && j.requestId === request.id)?.runAt,
    ).toBe(deferred?.endsAt);
    t.clock.advance(5 * 60_000);
    expect((await end(t.deps, request.id, 'expired', null)).ok).toBe(true);
    expect(await t.privileges.activeAssignments(people.alice.id)).toEqual([]);
  });

  it('refuses a duration over the strictest of its targets', async () => {
    const t = tenant();
    const result = await submit(
      t.deps,
      input([...roleTargets([roles.exchange]), azure('Contributor', 'rg-payments')], {
        durationSeconds: 2 * 3600,
      }),
    );
    expect(!result.ok && result.error).toMatchObject({ code: 'policy.duration_too_long' });
  });
});
