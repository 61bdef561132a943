/**
 * The composite provider: each target goes to the provider of its kind, lists are merged, a
 * kind nobody serves is refused with how to set it up, and a provider that is down is asked
 * only when its kinds are needed.
 */
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../adapters/graph/errors.ts';
import { memoryWorld } from '../../adapters/memory/world.ts';
import { PrivilegesByKind } from '../../adapters/privilege-kinds.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import { appError } from '../../bot/core/errors.ts';
import type { PrivilegeProvider } from '../../bot/core/ports/privilege-provider.ts';
import { MIXED_WORLD, people } from '../support/tenant.ts';

const down: PrivilegeProvider = new Proxy({} as PrivilegeProvider, {
  get: () => async () => {
    throw new Error('Azure Resource Manager is down');
  },
});

describe('PrivilegesByKind', () => {
  const graphSide = () => memoryWorld(MIXED_WORLD, Date.now).privileges;

  it('merges the eligibility of every kind and routes grants by kind', async () => {
    const all = graphSide();
    const p = new PrivilegesByKind([
      { kinds: ['directory_role', 'group'], provider: all },
      { kinds: ['azure_role'], provider: all },
    ]);
    const kinds = (await p.eligibilities(people.alice.id)).map((e) => e.target.kind);
    // The memory provider answers for every kind, so the merge shows each twice: once per part.
    expect(new Set(kinds)).toEqual(new Set(['directory_role', 'group', 'azure_role']));
  });

  it('does not ask a provider whose kinds are not needed, so its outage stops nothing else', async () => {
    const p = new PrivilegesByKind([
      { kinds: ['directory_role', 'group'], provider: graphSide() },
      { kinds: ['azure_role'], provider: down },
    ]);
    const roles = await p.eligibilities(people.alice.id, ['directory_role']);
    expect(roles.length).toBeGreaterThan(0);
    await expect(p.eligibilities(people.alice.id, ['azure_role'])).rejects.toThrow(/down/);
    await expect(p.eligibilities(people.alice.id)).rejects.toThrow(/down/);
  });

  it('tells the provider which of its kinds are needed', async () => {
    const asked: (readonly string[] | undefined)[] = [];
    const all = graphSide();
    const recording: PrivilegeProvider = new Proxy<PrivilegeProvider>(all, {
      get: (target, key, receiver) =>
        key === 'eligibilities'
          ? (principalId: string, kinds?: readonly Target['kind'][]) => {
              asked.push(kinds);
              return target.eligibilities(principalId, kinds);
            }
          : Reflect.get(target, key, receiver),
    });
    const p = new PrivilegesByKind([{ kinds: ['directory_role', 'group'], provider: recording }]);
    await p.eligibilities(people.alice.id, ['directory_role']);
    await p.eligibilities(people.alice.id);
    expect(asked).toEqual([['directory_role'], undefined]);
  });

  it('refuses a kind nobody serves, saying how to turn it on', async () => {
    const p = new PrivilegesByKind([{ kinds: ['directory_role', 'group'], provider: graphSide() }]);
    const target = {
      kind: 'azure_role' as const,
      id: 'x',
      name: 'Contributor',
      scope: '/subscriptions/x',
    };
    const result = await p.deactivate(people.alice.id, target, 'R1');
    expect(!result.ok && result.error.message).toMatch(/azure: \{ scopes/);
    await expect(p.rules(target)).rejects.toMatchObject({
      appError: { code: 'policy.kind_not_configured' },
    });
  });

  it('ends an eligibility with the provider of its kind only; a kind nobody serves is refused', async () => {
    const graph = graphSide();
    const arm = graphSide();
    const p = new PrivilegesByKind([
      { kinds: ['directory_role', 'group'], provider: graph },
      { kinds: ['azure_role'], provider: arm },
    ]);
    const held = await arm.eligibilities(people.alice.id);
    const contributor = held.find((e) => e.target.kind === 'azure_role')?.target as Target;
    const payments = held.find((e) => e.target.kind === 'group')?.target as Target;
    expect(await p.endEligibility?.(people.alice.id, contributor, 'review')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await p.endEligibility?.(people.alice.id, payments, 'review')).toEqual({
      ok: true,
      value: undefined,
    });
    expect([arm.endEligibilityCalls, graph.endEligibilityCalls]).toEqual([1, 1]);
    // The part's refusal is the answer, as it gave it.
    graph.failNextEndEligibility(appError('graph.permission_missing', PERMISSIONS.endEligibility));
    expect(await p.endEligibility?.(people.alice.id, payments, 'review')).toMatchObject({
      ok: false,
      error: { code: 'graph.permission_missing' },
    });
    // Each went to its own part: ARM's copy lost Contributor, Graph's the group membership.
    const kindsLeft = async (m: typeof graph) =>
      new Set((await m.eligibilities(people.alice.id)).map((e) => e.target.kind));
    expect(await kindsLeft(arm)).not.toContain('azure_role');
    expect(await kindsLeft(arm)).toContain('group');
    expect(await kindsLeft(graph)).toContain('azure_role');
    expect(await kindsLeft(graph)).not.toContain('group');

    const graphOnly = new PrivilegesByKind([
      { kinds: ['directory_role', 'group'], provider: graphSide() },
    ]);
    const refused = await graphOnly.endEligibility?.(people.alice.id, contributor, 'review');
    expect(refused).toMatchObject({ ok: false, error: { code: 'policy.kind_not_configured' } });
  });

  it('has no endEligibility when no part can end one, so the core can tell', () => {
    const readOnly = { listRoles: async () => [] } as unknown as PrivilegeProvider;
    const p = new PrivilegesByKind([{ kinds: ['directory_role'], provider: readOnly }]);
    expect(p.endEligibility).toBeUndefined();
  });
});
