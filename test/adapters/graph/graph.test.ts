/**
 * The Graph adapter with the real @azure/identity and Graph client against the HTTPS
 * Entra+Graph stand-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../adapters/graph/client.ts';
import { createCredential, credentialKind } from '../../../adapters/graph/credential.ts';
import { GraphDirectory } from '../../../adapters/graph/directory.ts';
import { GraphPrivileges } from '../../../adapters/graph/privileges.ts';
import type { Target } from '../../../bot/core/domain/target.ts';
import { type GraphStandIn, startGraphStandIn } from '../../standins/graph/index.ts';

const ALICE = '6b2e9f4a-0000-4000-8000-00000000a11c';
const BOB = '6b2e9f4a-0000-4000-8000-0000000000b0';
const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const GLOBAL = '62e90394-69f5-4237-9190-012177145e10';
const GROUP = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const exchange: Target = {
  kind: 'directoryRole',
  id: EXCHANGE,
  name: 'Exchange Administrator',
  scope: '/',
};

let now = Date.UTC(2026, 10, 23, 9);
let graph: GraphStandIn;

function adapter(secret?: string) {
  const credential = createCredential({
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    clientSecret: secret ?? graph.clientSecret,
    authorityHost: graph.authorityHost,
    graphBaseUrl: graph.graphBaseUrl,
  });
  const client = createGraphClient(credential, { baseUrl: graph.graphBaseUrl, retryDelay: 0.05 });
  return {
    directory: new GraphDirectory(client, () => now),
    privileges: new GraphPrivileges(client, () => now),
  };
}

const grant = (over: Partial<Parameters<GraphPrivileges['activate']>[0]> = {}) => ({
  principalId: ALICE,
  target: exchange,
  startAt: now,
  durationSeconds: 7200,
  justification: 'fixing mail flow | requested by alice@contoso.com via elevate R0000001',
  ticket: 'INC-4711',
  requestId: 'R0000001',
  ...over,
});

beforeEach(async () => {
  now = Date.UTC(2026, 10, 23, 9);
  graph = await startGraphStandIn({ now: () => now });
  graph.tenant.addUser({
    id: ALICE,
    displayName: 'Alice Admin',
    userPrincipalName: 'alice@contoso.com',
    mail: 'alice@contoso.com',
  });
  graph.tenant.addUser({
    id: BOB,
    displayName: 'Bob',
    userPrincipalName: 'bob@contoso.onmicrosoft.com',
    mail: 'bob@contoso.com',
    accountEnabled: false,
  });
  graph.tenant.addRoleDefinition({ id: EXCHANGE, displayName: 'Exchange Administrator' });
  graph.tenant.addRoleDefinition({ id: GLOBAL, displayName: 'Global Administrator' });
  graph.tenant.addEligibility({ principalId: ALICE, roleDefinitionId: EXCHANGE });
});
afterEach(async () => {
  await graph.close();
});

describe('Graph directory', () => {
  it('finds users by id, UPN and email; a disabled account is nobody', async () => {
    const { directory } = adapter();
    expect(await directory.findUser(ALICE)).toEqual({
      id: ALICE,
      displayName: 'Alice Admin',
      email: 'alice@contoso.com',
    });
    expect((await directory.findUser('ALICE@contoso.com'))?.id).toBe(ALICE);
    expect(await directory.findUser('bob@contoso.com')).toBeNull();
    expect(await directory.findUser('nobody@contoso.com')).toBeNull();
    expect(await directory.findUser('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('checks approvers by email and by nested group, more than 20 groups at a time', async () => {
    graph.tenant.addGroup({ id: 'inner-0000', displayName: 'inner', members: [ALICE] });
    graph.tenant.addGroup({ id: GROUP, displayName: 'SecOps', members: ['inner-0000'] });
    const { directory } = adapter();
    expect(await directory.isAnyOf(ALICE, ['ALICE@CONTOSO.COM'])).toBe(true);
    expect(await directory.isAnyOf(ALICE, [`group:${GROUP}`])).toBe(true);
    const many = Array.from({ length: 25 }, (_, i) => `group:g-${i}`);
    expect(await directory.isAnyOf(ALICE, many)).toBe(false);
    expect(await directory.isAnyOf(ALICE, [...many, `group:${GROUP}`])).toBe(true);
    expect(
      graph.calls.filter((c) => c.path.endsWith('/checkMemberGroups')).length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('Graph PIM', () => {
  it('lists role definitions once and serves them from cache', async () => {
    const { privileges } = adapter();
    expect((await privileges.listRoles()).map((r) => r.name)).toEqual([
      'Exchange Administrator',
      'Global Administrator',
    ]);
    await privileges.listRoles();
    expect(
      graph.calls.filter((c) =>
        c.path.startsWith('/v1.0/roleManagement/directory/roleDefinitions'),
      ),
    ).toHaveLength(1);
  });

  it('reads eligibility held directly and through a group, and PIM rules', async () => {
    graph.tenant.addGroup({
      id: GROUP,
      displayName: 'GA-eligible',
      members: [ALICE],
      isAssignableToRole: true,
    });
    graph.tenant.addEligibility({ principalId: GROUP, roleDefinitionId: GLOBAL });
    graph.tenant.setPolicy(EXCHANGE, {
      maximumDuration: 'PT4H',
      justification: true,
      ticketing: true,
      mfa: true,
    });
    const { privileges } = adapter();
    expect((await privileges.eligibilities(ALICE)).map((e) => e.target.name).sort()).toEqual([
      'Exchange Administrator',
      'Global Administrator',
    ]);
    expect(await privileges.rules(exchange)).toEqual({
      maxDuration: 14_400,
      justificationRequired: true,
      ticketRequired: true,
      mfaRequired: true,
      approvalRequired: false,
    });
  });

  it('activates with adminAssign exactly as PIM expects, and removes', async () => {
    const { privileges } = adapter();
    expect(await privileges.activate(grant())).toEqual({
      ok: true,
      value: { endsAt: now + 7_200_000 },
    });
    const post = graph.calls.find(
      (c) => c.method === 'POST' && c.path.endsWith('/roleAssignmentScheduleRequests'),
    );
    expect(post?.body).toEqual({
      action: 'adminAssign',
      principalId: ALICE,
      roleDefinitionId: EXCHANGE,
      directoryScopeId: '/',
      justification: grant().justification,
      ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'elevate' },
      scheduleInfo: {
        startDateTime: new Date(now).toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT2H' },
      },
    });
    expect(await privileges.activeAssignments(ALICE)).toMatchObject([
      { target: { name: 'Exchange Administrator' }, endsAt: now + 7_200_000, viaSchedule: true },
    ]);
    expect(await privileges.deactivate(ALICE, exchange)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await privileges.deactivate(ALICE, exchange)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(graph.tenant.activeAssignments()).toEqual([]);
  });

  it('treats its own existing assignment as done, and refuses one made elsewhere', async () => {
    const { privileges } = adapter();
    await privileges.activate(grant());
    expect(await privileges.activate(grant())).toEqual({
      ok: true,
      value: { endsAt: now + 7_200_000 },
    });
    expect(
      await privileges.activate(
        grant({ requestId: 'R0000002', justification: 'other via elevate R0000002' }),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'graph.already_active' },
    });
    expect(graph.tenant.activeAssignments()).toHaveLength(1);
  });

  it('a POST whose response was lost is retried and grants once', async () => {
    graph.faults.failAfterCommit(1, '/roleManagement/directory/roleAssignmentScheduleRequests');
    const { privileges } = adapter();
    expect(await privileges.activate(grant())).toMatchObject({ ok: true });
    expect(graph.tenant.activeAssignments()).toHaveLength(1);
    expect(
      graph.calls
        .filter((c) => c.method === 'POST' && c.path.endsWith('/roleAssignmentScheduleRequests'))
        .map((c) => c.status),
    ).toEqual([503, 400]);
  });

  it('honours 429 and 503 Retry-After, and throws when retries run out', async () => {
    const { privileges } = adapter();
    graph.faults.throttle(2, 0.1, '/roleManagement/directory/roleDefinitions');
    expect(await privileges.listRoles()).toHaveLength(2);
    expect(
      graph.calls.filter((c) => c.path.includes('roleDefinitions')).map((c) => c.status),
    ).toEqual([429, 429, 200]);
    graph.faults.unavailable(10, 0.05, '/roleManagement/directory/roleAssignmentScheduleRequests');
    await expect(privileges.activate(grant())).rejects.toThrow();
    expect(graph.tenant.activeAssignments()).toEqual([]);
  });

  it('maps PIM refusals and permissions to the catalogue', async () => {
    graph.tenant.setPolicy(EXCHANGE, { adminMaximumDuration: 'PT1H', adminJustification: true });
    const { privileges } = adapter();
    expect(await privileges.activate(grant())).toMatchObject({
      ok: false,
      error: { code: 'graph.duration_rejected' },
    });
    expect(
      await privileges.activate(grant({ durationSeconds: 1800, justification: '' })),
    ).toMatchObject({ ok: false, error: { code: 'graph.justification_rejected' } });
    graph.tenant.addRoleDefinition({
      id: GLOBAL,
      displayName: 'Global Administrator',
      isEnabled: false,
    });
    expect(
      await privileges.activate(
        grant({
          target: { ...exchange, id: GLOBAL, name: 'Global Administrator' },
          durationSeconds: 1800,
        }),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'graph.not_assignable' },
    });
  });

  it('names the missing application permission on 403', async () => {
    graph.tenant.revokePermission('RoleManagement.ReadWrite.Directory');
    const { privileges } = adapter();
    const refused = await privileges.activate(grant());
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.permission_missing' } });
    expect(refused.ok || refused.error.message).toContain('RoleManagement.ReadWrite.Directory');
  });

  it('says when the bot cannot sign in, without echoing the secret', async () => {
    const { privileges } = adapter('wrong-secret-value');
    await expect(privileges.listRoles()).rejects.toThrow(/sign in to Microsoft Entra/);
  });

  it('sees assignments expire by time', async () => {
    const { privileges } = adapter();
    await privileges.activate(grant({ durationSeconds: 1800 }));
    now += 1_800_001;
    expect(await privileges.activeAssignments(ALICE)).toEqual([]);
  });

  it('chooses the credential from configuration', () => {
    expect(credentialKind({ tenantId: 't', clientId: 'c', clientSecret: 's' })).toBe('secret');
    expect(
      credentialKind({
        tenantId: 't',
        clientId: 'c',
        certificatePath: '/x.pem',
        clientSecret: 's',
      }),
    ).toBe('certificate');
    expect(
      credentialKind({ tenantId: 't', clientId: 'c', federatedTokenFile: '/var/run/token' }),
    ).toBe('workload');
    expect(credentialKind({ tenantId: 't', clientId: 'c' })).toBe('managed');
  });
});

describe('Graph credentials and directory roles', () => {
  it('signs in with a certificate (client assertion) and lists role members', async () => {
    const { makeClientCertificate } = await import('../../support/client-certificate.ts');
    const certificatePath = await makeClientCertificate();
    const credential = createCredential({
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      certificatePath,
      authorityHost: graph.authorityHost,
    });
    const privileges = new GraphPrivileges(
      createGraphClient(credential, { baseUrl: graph.graphBaseUrl }),
      () => now,
    );
    await privileges.activate(grant());
    graph.tenant.addPermanentAssignment({ principalId: BOB, roleDefinitionId: EXCHANGE });
    expect((await privileges.roleMembers(EXCHANGE)).map((m) => m.id).sort()).toEqual(
      [ALICE, BOB].sort(),
    );
    const token = graph.calls.find((c) => c.path.includes('/oauth2/v2.0/token'));
    expect(String(token?.body)).toContain(
      'client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer',
    );
    expect(String(token?.body)).not.toContain('client_secret');
  });
});
