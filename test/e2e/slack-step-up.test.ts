/**
 * MFA step-up from Slack, end to end: the running bot, the real Bolt, MSAL and jose against
 * the Slack and Entra stand-ins. The requester of a role that needs MFA gets a sign-in link
 * by DM and the role is granted only after a verified MFA sign-in; an approver under
 * `approval.stepUp` gets a link instead of a counted click.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionBody, postToBot } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { finishSignIn, signInLink, signInThrough, startSignIn } from './sign-in.ts';
import { APPROVER_GROUP, ROLES, slashCommand, startWorld, TENANT, type World } from './world.ts';

const POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com, "group:${APPROVER_GROUP}"], quorum: 1, timeout: 1h }
  justification: { required: true, minLength: 10 }
roles:
  Security Administrator: { approval: { required: false }, mfa: { required: true } }
  Exchange Administrator: { mfa: { required: true } }
  Global Administrator: { approval: { required: false }, mfa: { required: true, timeout: 3s } }
  Helpdesk Administrator: { approval: { stepUp: 15m } }
channels:
  security: { slack: C0SECURITY }
  approvals: { slack: C0APPROVALS }
`;

let world: World;
beforeAll(async () => {
  world = await startWorld({ policy: POLICY });
});
afterAll(async () => {
  await world?.close();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const events = () => `${world.app.url}/slack/events`;
const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const textOf = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const dmTo = (p: Person) => world.slack.messagesIn(world.slack.dmOf(p.slack)).map(textOf);

const command = (who: Person, text: string) => slashCommand(world, who, text);

/** Clicks Approve on the request's card; the ephemeral answer, if any, as JSON. */
async function approveClick(who: Person, requestId: string): Promise<string | null> {
  const card = world.slack
    .messagesIn('C0APPROVALS')
    .find((m) => JSON.stringify(m.blocks).includes(requestId));
  const responseUrl = world.slack.responseUrl();
  const body = blockActionBody({
    userId: who.slack,
    teamId: world.slack.teamId,
    actionId: 'elevate_approve',
    value: requestId,
    channelId: 'C0APPROVALS',
    messageTs: card?.ts ?? '1.1',
    responseUrl,
    triggerId: world.slack.triggerId(),
  });
  expect((await postToBot(events(), world.slack.signingSecret, body)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  const answer = world.slack.responses.find((r) => r.url === responseUrl);
  return answer ? JSON.stringify(answer.body) : null;
}

const granted = (roleId: string) =>
  world.graph.tenant
    .activeAssignments()
    .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId);
const state = async (id: string) => (await world.app.deps.store.get(id))?.state;
const adminAssigns = (roleId: string) =>
  world.graph.calls.filter(
    (c) =>
      c.method === 'POST' &&
      c.path.endsWith('/roleAssignmentScheduleRequests') &&
      JSON.stringify(c.body).includes(roleId),
  );
const auditOf = async (id: string) =>
  (await world.app.deps.audit.list({ limit: 10_000 }))
    .filter((e) => e.requestId === id)
    .map((e) => e.action);

/** The newest sign-in link in Alice's DMs after `before` messages. */
async function linkForAlice(before: number): Promise<string> {
  return waitFor(
    () => {
      const fresh = dmTo(TENANT.alice).slice(before);
      for (let i = fresh.length - 1; i >= 0; i--) {
        const link = signInLink(fresh[i] ?? '');
        if (link) return link;
      }
      return undefined;
    },
    10_000,
    'sign-in link in the requester DM',
  );
}

async function ask(text: string): Promise<{ id: string; link: string }> {
  const before = dmTo(TENANT.alice).length;
  const id = requestIdIn(await command(TENANT.alice, text));
  expect(id).not.toBe('');
  const link = await linkForAlice(before);
  await waitFor(async () => (await state(id)) === 'awaiting_mfa', 5_000, 'awaiting_mfa');
  return { id, link };
}

const alice = { user: TENANT.alice.upn, mfa: true };

/** Ends Alice's grant, so a later case may ask for the same role again. */
async function endGrant(id: string) {
  await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
  await command(TENANT.alice, `deactivate ${id}`);
  await waitFor(async () => (await state(id)) === 'ended', 10_000, 'grant ended');
}

describe('Slack requester MFA step-up', () => {
  it('grants a role that needs MFA only after the requester signs in with MFA', async () => {
    const { id, link } = await ask('Security Administrator 1h checking an alert INC-77');
    expect(dmTo(TENANT.alice).join('\n')).toContain('needs an MFA sign-in');
    await new Promise((r) => setTimeout(r, 300));
    expect(granted(ROLES.security.id)).toBe(false);

    const started = await startSignIn(link, world.app.url);
    expect(started.status).toBe(302);
    const authorize = new URL(started.authorize ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${world.graph.authorityHost}/${world.graph.tenantId}/oauth2/v2.0/authorize`,
    );
    expect(authorize.searchParams.get('client_id')).toBe(world.graph.clientId);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      'https://elevate.contoso.example/auth/callback',
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('prompt')).toBe('login');
    expect(authorize.searchParams.get('login_hint')).toBe(TENANT.alice.upn);
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('state')).toBeTruthy();

    const done = await finishSignIn(started.authorize ?? '', world.app.url, alice);
    expect(done.status).toBe(200);
    expect(done.page).toContain('is verified');
    await waitFor(() => granted(ROLES.security.id), 10_000, 'assignment after the sign-in');
    await waitFor(async () => (await state(id)) === 'active', 5_000, 'active');
    expect(await auditOf(id)).toEqual(
      expect.arrayContaining(['request.awaiting_mfa', 'request.mfa_verified', 'grant.activated']),
    );
    expect(adminAssigns(ROLES.security.id)).toHaveLength(1);

    // The link and the callback are single use: following either again changes nothing.
    const again = await signInThrough(link, world.app.url, alice);
    expect(again.status).toBe(410);
    expect(again.page).toContain('not valid any more');
    expect(adminAssigns(ROLES.security.id)).toHaveLength(1);
    await endGrant(id);
  });

  it('shows "waiting for <name>\'s MFA sign-in" on the approval card', async () => {
    const id = requestIdIn(
      await command(TENANT.alice, 'Exchange Administrator 1h fixing mail flow INC-4711'),
    );
    await waitFor(() => dmTo(TENANT.bob).length > 0, 5_000, 'card to Bob');
    const before = dmTo(TENANT.alice).length;
    expect(await approveClick(TENANT.bob, id)).toBeNull();
    const link = await linkForAlice(before);
    const card = () =>
      world.slack.messagesIn('C0APPROVALS').find((m) => JSON.stringify(m.blocks).includes(id));
    await waitFor(
      () => JSON.stringify(card()?.blocks).includes("Waiting for Alice Admin's MFA sign-in"),
      5_000,
      'card says it waits for the sign-in',
    );
    expect(granted(ROLES.exchange.id)).toBe(false);
    expect((await signInThrough(link, world.app.url, alice)).status).toBe(200);
    await waitFor(() => granted(ROLES.exchange.id), 10_000, 'assignment');
  });

  it('refuses a sign-in without MFA, grants nothing, and sends a new link with the reason', async () => {
    const { id, link } = await ask('Security Administrator 1h second look at the alert');
    const assigns = adminAssigns(ROLES.security.id).length;
    const before = dmTo(TENANT.alice).length;
    const refused = await signInThrough(link, world.app.url, { ...alice, mfa: false });
    expect(refused.status).toBe(403);
    expect(refused.page).toContain('did not use multi-factor authentication');
    await new Promise((r) => setTimeout(r, 500));
    expect(adminAssigns(ROLES.security.id)).toHaveLength(assigns);
    expect(await state(id)).toBe('awaiting_mfa');
    expect(await auditOf(id)).toContain('request.sign_in_refused');
    const fresh = await linkForAlice(before);
    expect(fresh).not.toBe(link);
    expect(dmTo(TENANT.alice).slice(before).join('\n')).toContain('did not use multi-factor');

    // Someone else on the requester's link: refused, whoever opened it.
    const other = await signInThrough(fresh, world.app.url, { user: TENANT.dave.upn, mfa: true });
    expect(other.status).toBe(403);
    expect(other.page).toContain('This link was made for Alice Admin');
    // The security channel hears of it: someone else used a person's sign-in link.
    await waitFor(
      () =>
        world.slack
          .messagesIn('C0SECURITY')
          .some(
            (m) => m.text.includes(id) && m.text.includes('This link was made for Alice Admin'),
          ),
      5_000,
      'security channel told',
    );
    expect(adminAssigns(ROLES.security.id)).toHaveLength(assigns);
    expect(await state(id)).toBe('awaiting_mfa');
    await command(TENANT.alice, `cancel ${id}`);
  });

  it('sends a new link when the requester asks for one, and only to the requester', async () => {
    const { id, link } = await ask('Security Administrator 1h fourth look at the alert');
    const renew = async (who: Person) => {
      const responseUrl = world.slack.responseUrl();
      const body = blockActionBody({
        userId: who.slack,
        teamId: world.slack.teamId,
        actionId: 'elevate_sign_in_again',
        value: id,
        channelId: world.slack.dmOf(who.slack),
        messageTs: '1.1',
        responseUrl,
        triggerId: world.slack.triggerId(),
      });
      expect((await postToBot(events(), world.slack.signingSecret, body)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      return JSON.stringify(world.slack.responses.find((r) => r.url === responseUrl)?.body ?? '');
    };
    expect(await renew(TENANT.dave)).toContain('Only the person who asked');
    const before = dmTo(TENANT.alice).length;
    await renew(TENANT.alice);
    const fresh = await linkForAlice(before);
    expect(fresh).not.toBe(link);
    expect(await auditOf(id)).toContain('request.sign_in_renewed');
    expect((await signInThrough(fresh, world.app.url, alice)).status).toBe(200);
    await waitFor(async () => (await state(id)) !== 'awaiting_mfa', 5_000, 'left awaiting_mfa');
    await endGrant(id);
  });

  it('is not used up by a link scanner opening it; one link completes one sign-in', async () => {
    const { id, link } = await ask('Security Administrator 1h fifth look at the alert');
    const scanner = await startSignIn(link, world.app.url);
    expect(scanner.status).toBe(302);
    const first = await startSignIn(link, world.app.url);
    const second = await startSignIn(link, world.app.url);
    const done = await finishSignIn(first.authorize ?? '', world.app.url, alice);
    expect(done.status).toBe(200);
    const late = await finishSignIn(second.authorize ?? '', world.app.url, alice);
    expect(late.status).toBe(410);
    expect(late.page).toContain('not valid any more');
    await waitFor(async () => (await state(id)) !== 'awaiting_mfa', 5_000, 'left awaiting_mfa');
    await endGrant(id);
  });

  it('tells why when Entra sends the person back without a code (sign-in canceled)', async () => {
    const { id, link } = await ask('Security Administrator 1h sixth look at the alert');
    const started = await startSignIn(link, world.app.url);
    const flowState = new URL(started.authorize ?? '').searchParams.get('state') ?? '';
    const back = `${world.app.url}/auth/callback?error=access_denied&error_description=canceled&state=${flowState}`;
    const res = await fetch(back, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('did not complete the sign-in (<code>access_denied</code>)');
    const request = await world.app.deps.store.get(id);
    expect(request?.state).toBe('awaiting_mfa');
    expect(request?.signInNotice?.message).toContain('access_denied');
    await command(TENANT.alice, `cancel ${id}`);
  });

  it('refuses ID tokens that are expired, for another app, with the wrong nonce or user', async () => {
    const { id } = await ask('Security Administrator 1h third look at the alert');
    const cases = [
      ['expired', 'it has expired'],
      ['wrong_audience', 'issued for another app'],
      ['wrong_nonce', 'wrong nonce'],
      ['wrong_tenant', 'another tenant'],
      ['wrong_user', 'This link was made for Alice Admin'],
      ['stale_sign_in', 'older than 5m'],
      ['no_amr', 'it has no <code>amr</code> claim'],
      ['no_auth_time', 'no <code>auth_time</code> claim'],
    ] as const;
    let before = 0;
    for (const [fault, words] of cases) {
      const link = await linkForAlice(before);
      before = dmTo(TENANT.alice).length;
      world.graph.idTokenFault(fault);
      const answer = await signInThrough(link, world.app.url, alice);
      expect(answer.status, fault).toBe(403);
      expect(answer.page, fault).toContain(words);
      expect(await state(id)).toBe('awaiting_mfa');
    }
    await command(TENANT.alice, `cancel ${id}`);
  });

  it('fails the request when nobody signs in before mfa.timeout, on the DM and in the audit', async () => {
    const { id, link } = await ask('Global Administrator 30m break glass check INC-1');
    await waitFor(async () => (await state(id)) === 'failed', 10_000, 'failed at the timeout');
    const failed = await world.app.deps.store.get(id);
    expect(failed?.failure?.code).toBe('mfa.timed_out');
    await waitFor(
      () =>
        dmTo(TENANT.alice).some((m) => m.includes(id) && m.includes('Nobody signed in with MFA')),
      5_000,
      'requester told',
    );
    expect(await auditOf(id)).toContain('grant.failed');
    // A late sign-in changes nothing.
    const late = await signInThrough(link, world.app.url, alice);
    expect(late.status).toBe(409);
    expect(granted(ROLES.global.id)).toBe(false);
  });
});

describe('Slack approver step-up', () => {
  it('answers Approve with a sign-in link and records the approval after an MFA sign-in', async () => {
    const id = requestIdIn(
      await command(TENANT.alice, 'Helpdesk Administrator 1h reset for a user'),
    );
    await waitFor(() => dmTo(TENANT.bob).length > 0, 5_000, 'card to Bob');
    const answer = await approveClick(TENANT.bob, id);
    expect(answer).toContain('needs an MFA sign-in from you');
    expect(await state(id)).toBe('pending_approval');
    const link = signInLink(answer ?? '') ?? '';
    expect(link).not.toBe('');

    const refused = await signInThrough(link, world.app.url, { user: TENANT.bob.upn, mfa: false });
    expect(refused.status).toBe(403);
    expect(await state(id)).toBe('pending_approval');

    const again = signInLink((await approveClick(TENANT.bob, id)) ?? '') ?? '';
    const done = await signInThrough(again, world.app.url, { user: TENANT.bob.upn, mfa: true });
    expect(done.status).toBe(200);
    expect(done.page).toContain('approval of request');
    await waitFor(() => granted(ROLES.helpdesk.id), 10_000, 'assignment');
    const request = await world.app.deps.store.get(id);
    expect(request?.approvals.map((a) => a.by.id)).toEqual([TENANT.bob.id]);
    expect(await auditOf(id)).toEqual(
      expect.arrayContaining(['request.sign_in_refused', 'request.approver_mfa_verified']),
    );

    // Within the window the proof counts: the next Approve is recorded at once.
    await command(TENANT.alice, `deactivate ${id}`);
    await waitFor(async () => (await state(id)) === 'ended', 10_000, 'first grant ended');
    const next = requestIdIn(
      await command(TENANT.alice, 'Helpdesk Administrator 1h another reset'),
    );
    await waitFor(
      () =>
        world.slack.messagesIn('C0APPROVALS').some((m) => JSON.stringify(m.blocks).includes(next)),
      5_000,
      'second card',
    );
    expect(await approveClick(TENANT.bob, next)).toBeNull();
    await waitFor(async () => (await state(next)) === 'active', 10_000, 'second grant');
  });
});
