/**
 * The simulated tenant's self-activation as PIM does it: only with the person's own delegated
 * token (the code flow), never the app's; PIM's MFA rule read from the token's `amr`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ALICE, CAROL, EXCHANGE, START, useGraph } from './graph-fixture.ts';
import { userToken as delegatedToken } from './user-token.ts';

const env = useGraph();
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
/** A person's delegated token through the stand-in's authorize and token endpoints. */
const userToken = (user: string, mfa: boolean): Promise<string> =>
  delegatedToken(env.graph, user, mfa);

async function appToken(): Promise<string> {
  const g = env.graph;
  const res = await fetch(`${g.authorityHost}/${g.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: g.clientId,
      client_secret: g.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const selfActivate = async (token: string, over: Record<string, unknown> = {}) => {
  const res = await fetch(`${env.graph.graphBaseUrl}${REQUESTS}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'selfActivate',
      principalId: ALICE,
      roleDefinitionId: EXCHANGE,
      directoryScopeId: '/',
      justification: 'mail flow',
      scheduleInfo: {
        startDateTime: new Date(START).toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT1H' },
      },
      ...over,
    }),
  });
  const body = (await res.json()) as {
    status?: string;
    error?: { code: string; message: string };
  };
  return { status: res.status, body };
};

beforeEach(() => {
  env.graph.tenant.grantPermissions(['RoleAssignmentSchedule.ReadWrite.Directory']);
});

describe('self-activation in the simulated tenant', () => {
  it("refuses the app's own token and a token of someone else", async () => {
    const app = await selfActivate(await appToken());
    expect(app.status).toBe(403);
    expect(app.body.error?.code).toBe('Authorization_RequestDenied');
    const carol = await selfActivate(await userToken(CAROL, true));
    expect(carol.status).toBe(403);
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
  });

  it("activates with the person's token, and applies MfaRule from the token's amr", async () => {
    env.graph.tenant.setPolicy(EXCHANGE, { mfa: true });
    const without = await selfActivate(await userToken(ALICE, false));
    expect(without.status).toBe(400);
    expect(without.body.error?.message).toContain('"MfaRule"');
    const withMfa = await selfActivate(await userToken('alice@contoso.com', true));
    expect(withMfa.status).toBe(201);
    expect(withMfa.body.status).toBe('Granted');
    expect(env.graph.tenant.activeAssignments().map((a) => a.principalId)).toEqual([ALICE]);
  });

  it("holds a self-activation for PIM's approvers, whose own token decides the step", async () => {
    env.graph.tenant.setPolicy(EXCHANGE, { approval: true, approvers: [CAROL] });
    const alice = await userToken(ALICE, true);
    const held = await selfActivate(alice);
    const request = held.body as { status: string; approvalId: string };
    expect(request.status).toBe('PendingApproval');
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
    const again = await selfActivate(alice);
    expect(again.body.error?.code).toBe('PendingRoleAssignmentRequest');

    const approval = `${env.graph.graphBaseUrl}/v1.0/roleManagement/directory/roleAssignmentApprovals/${request.approvalId}`;
    const carol = await userToken(CAROL, true);
    const read = (await (
      await fetch(approval, { headers: { authorization: `Bearer ${carol}` } })
    ).json()) as { steps: { id: string; status: string; assignedToMe: boolean }[] };
    expect(read.steps).toMatchObject([{ status: 'InProgress', assignedToMe: true }]);
    const decide = (token: string, reviewResult: string) =>
      fetch(`${approval}/steps/${read.steps[0]?.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reviewResult, justification: 'looks right' }),
      });
    // The requester is no approver, nor is the app.
    expect((await decide(alice, 'Approve')).status).toBe(403);
    expect((await decide(await appToken(), 'Approve')).status).toBe(403);
    expect((await decide(carol, 'Approve')).status).toBe(204);
    expect((await decide(carol, 'Deny')).status).toBe(409);
    expect(env.graph.tenant.activeAssignments().map((a) => a.principalId)).toEqual([ALICE]);
    expect(env.graph.tenant.requests()).toMatchObject([{ status: 'Provisioned' }]);
  });

  it('carries the app permissions in the client-credential token, as Entra does', async () => {
    const claims = JSON.parse(
      Buffer.from((await appToken()).split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { roles: string[] };
    expect(claims.roles).toContain('RoleAssignmentSchedule.ReadWrite.Directory');
  });
});
