/**
 * The composite of delegated mode: each target goes to the self-service adapter of its kind
 * with the token it is handed, each kind's scope is its adapter's, and a kind no adapter
 * serves is refused with the catalogue's message, never sent to another adapter.
 */
import { describe, expect, it } from 'vitest';
import { DelegatedByKind } from '../../adapters/delegated-kinds.ts';
import type { Target, TargetKind } from '../../bot/core/domain/target.ts';
import type { DelegatedPrivileges } from '../../bot/core/ports/delegated-privileges.ts';
import { ok } from '../../bot/core/result.ts';

/** An adapter that serves `kinds` and writes down what it was asked, with which token. */
function part(name: string, kinds: readonly TargetKind[], calls: string[]): DelegatedPrivileges {
  return {
    kinds: new Set(kinds),
    scopeFor: (kind) => (kinds.includes(kind) ? `${name}/scope` : null),
    selfActivate: async (token, grant) => {
      calls.push(`${name} activate ${grant.target.name} with ${token}`);
      return ok({ endsAt: grant.startAt + grant.durationSeconds * 1000 });
    },
    selfDeactivate: async (token, _principalId, target) => {
      calls.push(`${name} deactivate ${target.name} with ${token}`);
      return ok(undefined);
    },
  };
}

const target = (kind: TargetKind, name: string): Target => ({ kind, id: name, name, scope: '/' });
const grant = (t: Target) => ({
  principalId: 'alice',
  target: t,
  startAt: 0,
  durationSeconds: 3600,
  justification: 'hotfix',
  ticket: null,
  requestId: 'R1',
});

describe('DelegatedByKind', () => {
  it('sends each target to the adapter of its kind, and names that adapter’s scope', async () => {
    const calls: string[] = [];
    const both = new DelegatedByKind([
      part('graph', ['directory_role', 'group'], calls),
      part('arm', ['azure_role'], calls),
    ]);
    expect([...both.kinds]).toEqual(['directory_role', 'group', 'azure_role']);
    expect(both.scopeFor('group')).toBe('graph/scope');
    expect(both.scopeFor('azure_role')).toBe('arm/scope');
    await both.selfActivate('g-token', grant(target('directory_role', 'Exchange Administrator')));
    await both.selfActivate('a-token', grant(target('azure_role', 'Contributor')));
    await both.selfDeactivate('a-token', 'alice', target('azure_role', 'Contributor'), 'R1');
    expect(calls).toEqual([
      'graph activate Exchange Administrator with g-token',
      'arm activate Contributor with a-token',
      'arm deactivate Contributor with a-token',
    ]);
    // Neither part follows PIM's approval, so neither does the whole.
    expect(both.reviewApproval).toBeUndefined();
    expect(both.activationState).toBeUndefined();
  });

  it('refuses a kind no adapter serves, and forwards what only one adapter offers', async () => {
    const calls: string[] = [];
    const graph = part('graph', ['directory_role', 'group'], calls);
    const following: DelegatedPrivileges = {
      ...part('arm', ['azure_role'], calls),
      activationState: async () => ok({ state: 'granted' as const }),
    };
    const graphOnly = new DelegatedByKind([graph]);
    expect(graphOnly.scopeFor('azure_role')).toBeNull();
    expect(await graphOnly.selfActivate('t', grant(target('azure_role', 'Reader')))).toMatchObject({
      ok: false,
      error: { code: 'delegated.kind_unavailable' },
    });
    expect(calls).toEqual([]);
    const both = new DelegatedByKind([graph, following]);
    expect(await both.activationState?.('alice', target('azure_role', 'Reader'), 'R1')).toEqual(
      ok({ state: 'granted' }),
    );
    expect(
      await both.activationState?.('alice', target('group', 'Payments Oncall'), 'R1'),
    ).toMatchObject({ ok: false, error: { code: 'delegated.kind_unavailable' } });
  });
});
