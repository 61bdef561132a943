/**
 * Extending a grant of a role that needs MFA, from Slack end to end: the running bot, the
 * real Bolt, MSAL and jose against the Slack and Entra stand-ins. The end moves in PIM only
 * after the requester's fresh MFA sign-in through the link sent for that extension; a
 * sign-in without MFA or a replayed link extends nothing, and at mfa.timeout the grant keeps
 * its end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionBody, postToBot } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { signInLink, signInThrough } from './sign-in.ts';
import { APPROVER_GROUP, ROLES, slashCommand, startWorld, TENANT, type World } from './world.ts';

const POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com, "group:${APPROVER_GROUP}"], quorum: 1, timeout: 1h }
  justification: { required: true, minLength: 10 }
roles:
  Security Administrator: { approval: { required: false }, mfa: { required: true } }
  Exchange Administrator: { approval: { extensions: reapprove }, mfa: { required: true } }
  Global Administrator: { approval: { required: false }, mfa: { required: true, timeout: 2s } }
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
const alice = { user: TENANT.alice.upn, mfa: true };

const command = (who: Person, text: string) => slashCommand(world, who, text);

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

/** When Alice's assignment of the role ends in the PIM stand-in. */
const pimEnd = (roleId: string) =>
  world.graph.tenant
    .activeAssignments()
    .find((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId)?.endDateTime;
/** PIM computes the end from the start and a whole number of seconds: within a second. */
const movedBy = (now: string | null | undefined, was: string | null | undefined, ms: number) =>
  Math.abs(Date.parse(now ?? '') - Date.parse(was ?? '') - ms) < 1000;
const stored = (id: string) => world.app.deps.store.get(id);
const auditOf = async (id: string) =>
  (await world.app.deps.audit.list({ limit: 10_000 }))
    .filter((e) => e.requestId === id)
    .map((e) => e.action);

/** Alice's active grant of a role without approval, after her activation sign-in. */
async function activeGrant(text: string, roleId: string): Promise<string> {
  const before = dmTo(TENANT.alice).length;
  const id = requestIdIn(await command(TENANT.alice, text));
  expect(id).not.toBe('');
  const link = await linkForAlice(before);
  expect((await signInThrough(link, world.app.url, alice)).status).toBe(200);
  await waitFor(async () => (await stored(id))?.state === 'active', 10_000, 'active');
  await waitFor(() => pimEnd(roleId), 10_000, 'assignment in PIM');
  return id;
}

describe('Slack: extending a grant of a role that needs MFA', () => {
  it('moves the end in PIM only after an MFA sign-in by the requester for that extension', async () => {
    const id = await activeGrant(
      'Security Administrator 1h checking an alert INC-77',
      ROLES.security.id,
    );
    const endsAt = pimEnd(ROLES.security.id);
    const storedEnd = (await stored(id))?.endsAt;
    const activationLinks = dmTo(TENANT.alice)
      .map((m) => signInLink(m))
      .filter(Boolean);

    const before = dmTo(TENANT.alice).length;
    const reply = await command(TENANT.alice, `extend ${id} 30m`);
    expect(reply).toContain('needs an MFA sign-in');
    const link = await linkForAlice(before);
    expect(dmTo(TENANT.alice).slice(before).join('\n')).toContain('Extending grant');
    await new Promise((r) => setTimeout(r, 300));
    expect(pimEnd(ROLES.security.id)).toBe(endsAt);

    // The link of the activation is used up and counts for nothing here.
    for (const used of activationLinks) {
      const replay = await signInThrough(used ?? '', world.app.url, alice);
      expect(replay.status).toBe(410);
    }

    // Without MFA: refused, unchanged, and a fresh link comes with the reason.
    const beforeRefusal = dmTo(TENANT.alice).length;
    const noMfa = await signInThrough(link, world.app.url, { ...alice, mfa: false });
    expect(noMfa.status).toBe(403);
    expect(noMfa.page).toContain('did not use multi-factor authentication');
    const fresh = await linkForAlice(beforeRefusal);
    expect(fresh).not.toBe(link);
    expect(dmTo(TENANT.alice).slice(beforeRefusal).join('\n')).toContain(
      'The grant is not extended',
    );
    expect(pimEnd(ROLES.security.id)).toBe(endsAt);
    expect((await stored(id))?.endsAt).toBe(storedEnd);

    // The refused link again: single use, still nothing.
    expect((await signInThrough(link, world.app.url, alice)).status).toBe(410);
    // Someone else on the requester's link: refused.
    const beforeDave = dmTo(TENANT.alice).length;
    const dave = await signInThrough(fresh, world.app.url, { user: TENANT.dave.upn, mfa: true });
    expect(dave.status).toBe(403);
    expect(pimEnd(ROLES.security.id)).toBe(endsAt);

    const last = await waitFor(
      async () => {
        const l = await linkForAlice(beforeDave);
        return l !== fresh ? l : undefined;
      },
      10_000,
      'a fresh link after the refusal',
    );
    const done = await signInThrough(last, world.app.url, alice);
    expect(done.status).toBe(200);
    expect(done.page).toContain('the grant is extended');
    await waitFor(
      () => movedBy(pimEnd(ROLES.security.id), endsAt, 30 * 60_000),
      10_000,
      'the end moved in PIM',
    );
    expect((await stored(id))?.endsAt).toBe((storedEnd ?? 0) + 30 * 60_000);
    expect(await auditOf(id)).toEqual(
      expect.arrayContaining([
        'grant.extension_awaiting_mfa',
        'request.sign_in_refused',
        'grant.extended',
      ]),
    );
    // The used link once more extends nothing further.
    expect((await signInThrough(last, world.app.url, alice)).status).toBe(410);
    expect(movedBy(pimEnd(ROLES.security.id), endsAt, 30 * 60_000)).toBe(true);
  });

  it('asks for the sign-in after the approvers where extensions are re-approved', async () => {
    const before = dmTo(TENANT.alice).length;
    const id = requestIdIn(
      await command(TENANT.alice, 'Exchange Administrator 1h fixing mail flow INC-4711'),
    );
    await waitFor(() => dmTo(TENANT.bob).length > 0, 5_000, 'card to Bob');
    await approveClick(id);
    expect((await signInThrough(await linkForAlice(before), world.app.url, alice)).status).toBe(
      200,
    );
    await waitFor(
      async () => ((await stored(id))?.state === 'active' ? true : undefined),
      10_000,
      `active, is ${JSON.stringify(await stored(id))}`,
    );
    await waitFor(() => pimEnd(ROLES.exchange.id), 10_000, 'assignment in PIM');
    const endsAt = pimEnd(ROLES.exchange.id);

    const beforeAsk = dmTo(TENANT.alice).length;
    expect(await command(TENANT.alice, `extend ${id} 30m`)).toContain(
      'the approvers have been asked',
    );
    await new Promise((r) => setTimeout(r, 300));
    // No sign-in before the approvers have said yes.
    expect(
      dmTo(TENANT.alice)
        .slice(beforeAsk)
        .some((m) => signInLink(m)),
    ).toBe(false);
    const beforeApproval = dmTo(TENANT.alice).length;
    await approveClick(id);
    const link = await linkForAlice(beforeApproval);
    await waitFor(async () => !!(await stored(id))?.extensionStepUp, 5_000, 'waits for MFA');
    expect(pimEnd(ROLES.exchange.id)).toBe(endsAt);
    expect((await signInThrough(link, world.app.url, alice)).status).toBe(200);
    await waitFor(
      () => movedBy(pimEnd(ROLES.exchange.id), endsAt, 30 * 60_000),
      10_000,
      'the end moved in PIM',
    );
  });

  it('leaves the grant as it was when nobody signs in before mfa.timeout, and says so', async () => {
    const id = await activeGrant(
      'Global Administrator 30m break glass check INC-1',
      ROLES.global.id,
    );
    const endsAt = pimEnd(ROLES.global.id);
    const before = dmTo(TENANT.alice).length;
    await command(TENANT.alice, `extend ${id} 15m`);
    const link = await linkForAlice(before);
    await waitFor(
      () =>
        dmTo(TENANT.alice)
          .slice(before)
          .some((m) => m.includes(id) && m.includes('was not extended')),
      10_000,
      'requester told the extension lapsed',
    );
    const request = await stored(id);
    expect(request).toMatchObject({ state: 'active', extensionStepUp: null, failure: null });
    expect(pimEnd(ROLES.global.id)).toBe(endsAt);
    expect(await auditOf(id)).toContain('grant.extension_mfa_expired');
    // A late sign-in changes nothing.
    const late = await signInThrough(link, world.app.url, alice);
    expect(late.status).toBe(409);
    expect(pimEnd(ROLES.global.id)).toBe(endsAt);
    expect((await stored(id))?.state).toBe('active');
  });
});

async function approveClick(requestId: string): Promise<void> {
  const card = world.slack
    .messagesIn('C0APPROVALS')
    .findLast((m) => JSON.stringify(m.blocks).includes(requestId));
  const responseUrl = world.slack.responseUrl();
  const body = blockActionBody({
    userId: TENANT.bob.slack,
    teamId: world.slack.teamId,
    actionId: 'elevate_approve',
    value: requestId,
    channelId: 'C0APPROVALS',
    messageTs: card?.ts ?? '1.1',
    responseUrl,
    triggerId: world.slack.triggerId(),
  });
  expect((await postToBot(events(), world.slack.signingSecret, body)).status).toBe(200);
}
