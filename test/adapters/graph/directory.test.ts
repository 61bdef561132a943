/** Users and approver checks through Graph, on the real SDK against the stand-in. */
import { describe, expect, it } from 'vitest';
import { GraphRefusedError } from '../../../adapters/graph/errors.ts';
import { ALICE, BOB, CAROL, GROUP, INNER_GROUP, useGraph } from './graph-fixture.ts';

const env = useGraph();
const checks = () => env.graphCalls('/users/', 'POST');

describe('finding users', () => {
  it('by object id, UPN and email, case-insensitively', async () => {
    const { directory } = env.adapter();
    const alice = { id: ALICE, displayName: 'Alice Admin', email: 'alice@contoso.com' };
    expect(await directory.findUser(ALICE)).toEqual(alice);
    expect(await directory.findUser('ALICE@contoso.com')).toEqual(alice);
    // Carol's mail is not her UPN: the direct read misses, the mail filter finds her.
    expect((await directory.findUser("Carol.O'Brien+ops@fabrikam.com"))?.id).toBe(CAROL);
    expect((await directory.findUser('carol_fabrikam.com#EXT#@contoso.onmicrosoft.com'))?.id).toBe(
      CAROL,
    );
    const filter = env.graphCalls('/users?').map((c) => decodeURIComponent(c.path));
    expect(filter[0]).toContain("$filter=mail eq 'Carol.O''Brien+ops@fabrikam.com'");
  });

  it('a disabled account, an unknown one, or a non-address is nobody', async () => {
    const { directory } = env.adapter();
    expect(await directory.findUser('bob@contoso.com')).toBeNull();
    expect(await directory.findUser(BOB)).toBeNull();
    expect(await directory.findUser('nobody@contoso.com')).toBeNull();
    expect(await directory.findUser('00000000-0000-4000-8000-000000000000')).toBeNull();
    env.graph.clearCalls();
    expect(await directory.findUser('alice')).toBeNull();
    expect(await directory.findUser("x' or 1 eq 1")).toBeNull();
    expect(env.graphCalls()).toHaveLength(0);
  });

  it('two accounts with one mail address are nobody rather than a guess', async () => {
    env.graph.tenant.addUser({
      id: '6b2e9f4a-0000-4000-8000-0000000000d1',
      displayName: 'Dup One',
      userPrincipalName: 'dup1@contoso.com',
      mail: 'shared@contoso.com',
    });
    env.graph.tenant.addUser({
      id: '6b2e9f4a-0000-4000-8000-0000000000d2',
      displayName: 'Dup Two',
      userPrincipalName: 'dup2@contoso.com',
      mail: 'shared@contoso.com',
    });
    expect(await env.adapter().directory.findUser('shared@contoso.com')).toBeNull();
  });

  it('reads accountEnabled afresh every time, and the cache learns it', async () => {
    const { directory } = env.adapter({ directory: { ttlMs: 60 * 60_000 } });
    expect(await directory.findUser(ALICE)).not.toBeNull();
    expect(await directory.isEnabled(ALICE)).toBe(true);
    env.graph.tenant.updateUser(ALICE, { accountEnabled: false });
    expect(await directory.isEnabled(ALICE)).toBe(false);
    // Within the hour-long cache, the account read just now counts everywhere.
    expect(await directory.findUser(ALICE)).toBeNull();
    expect(await directory.isAnyOf(ALICE, ['alice@contoso.com'])).toBe(false);
  });

  it('caches a lookup briefly, by the name asked and by id', async () => {
    const { directory } = env.adapter({ directory: { ttlMs: 60_000, missTtlMs: 5_000 } });
    await directory.findUser('alice@contoso.com');
    await directory.findUser('alice@contoso.com');
    await directory.findUser(ALICE);
    expect(env.graphCalls('/users')).toHaveLength(1);
    await directory.findUser('new@contoso.com');
    env.graph.tenant.addUser({
      id: '6b2e9f4a-0000-4000-8000-0000000000e1',
      displayName: 'New',
      userPrincipalName: 'new@contoso.com',
    });
    expect(await directory.findUser('new@contoso.com')).toBeNull();
    env.now += 5_001;
    expect((await directory.findUser('new@contoso.com'))?.displayName).toBe('New');
    env.now += 60_000;
    env.graph.clearCalls();
    await directory.findUser('alice@contoso.com');
    expect(env.graphCalls('/users')).toHaveLength(1);
  });

  it('names User.Read.All when Graph refuses', async () => {
    env.graph.tenant.grantPermissions(['GroupMember.Read.All']);
    const refused = await env
      .adapter()
      .directory.findUser(ALICE)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphRefusedError);
    expect((refused as GraphRefusedError).appError.code).toBe('graph.permission_missing');
    expect((refused as Error).message).toContain('`User.Read.All`');
    expect((refused as Error).message).toContain('admin consent');
  });
});

describe('last sign-in', () => {
  it('reads signInActivity by object id, afresh every time; never signed in is null', async () => {
    env.graph.tenant.updateUser(ALICE, { lastSignInDateTime: '2026-11-20T08:30:00Z' });
    const { directory } = env.adapter();
    expect(await directory.lastSignIn(ALICE)).toBe(Date.UTC(2026, 10, 20, 8, 30));
    expect(await directory.lastSignIn(CAROL)).toBeNull();
    env.graph.tenant.updateUser(ALICE, { lastSignInDateTime: '2026-11-23T08:00:00Z' });
    expect(await directory.lastSignIn(ALICE)).toBe(Date.UTC(2026, 10, 23, 8));
    const reads = env.graphCalls(`/users/${ALICE}`, 'GET').map((c) => decodeURIComponent(c.path));
    expect(reads).toHaveLength(2);
    expect(reads[0]).toContain('$select=id,signInActivity');
  });

  it('names AuditLog.Read.All when Graph refuses', async () => {
    env.graph.tenant.revokePermission('AuditLog.Read.All');
    const refused = await env
      .adapter()
      .directory.lastSignIn(ALICE)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphRefusedError);
    expect((refused as Error).message).toContain('`AuditLog.Read.All`');
  });
});

describe('approver checks', () => {
  it('by email or UPN, case-insensitively; a disabled account is nobody', async () => {
    const { directory } = env.adapter();
    expect(await directory.isAnyOf(ALICE, ['ALICE@CONTOSO.COM'])).toBe(true);
    expect(await directory.isAnyOf(ALICE, ['bob@contoso.com', ' alice@contoso.com '])).toBe(true);
    expect(await directory.isAnyOf(ALICE, ['bob@contoso.com'])).toBe(false);
    expect(await directory.isAnyOf(ALICE, [])).toBe(false);
    expect(await directory.isAnyOf(BOB, ['bob@contoso.com'])).toBe(false);
    expect(checks()).toHaveLength(0);
  });

  it('through nested groups, transitively', async () => {
    env.graph.tenant.addGroup({ id: INNER_GROUP, displayName: 'inner', members: [ALICE] });
    env.graph.tenant.addGroup({ id: GROUP, displayName: 'SecOps', members: [INNER_GROUP] });
    const { directory } = env.adapter();
    expect(await directory.isAnyOf(ALICE, [`group:${GROUP}`])).toBe(true);
    expect(await directory.isAnyOf(CAROL, [`group:${GROUP}`])).toBe(false);
    const [first] = checks();
    expect(first?.path).toBe(`/v1.0/users/${ALICE}/checkMemberGroups`);
    expect(first?.body).toEqual({ groupIds: [GROUP] });
  });

  it('asks about more than 20 groups in batches of 20, and asks again every time', async () => {
    env.graph.tenant.addGroup({ id: GROUP, displayName: 'SecOps', members: [ALICE] });
    const { directory } = env.adapter();
    const many = Array.from({ length: 45 }, (_, i) => `group:g-${String(i).padStart(2, '0')}`);
    expect(await directory.isAnyOf(ALICE, many)).toBe(false);
    expect(checks().map((c) => (c.body as { groupIds: string[] }).groupIds.length)).toEqual([
      20, 20, 5,
    ]);
    env.graph.clearCalls();
    expect(await directory.isAnyOf(ALICE, [...many, `group:${GROUP}`])).toBe(true);
    expect(checks()).toHaveLength(3);
    // Membership is not cached: removal from the group counts at the next click.
    env.graph.tenant.addGroup({ id: GROUP, displayName: 'SecOps', members: [] });
    expect(await directory.isAnyOf(ALICE, [`group:${GROUP}`])).toBe(false);
  });

  it('names GroupMember.Read.All when Graph refuses the membership check', async () => {
    env.graph.tenant.grantPermissions(['User.Read.All']);
    await expect(env.adapter().directory.isAnyOf(ALICE, [`group:${GROUP}`])).rejects.toThrow(
      /`GroupMember\.Read\.All`/,
    );
  });
});
