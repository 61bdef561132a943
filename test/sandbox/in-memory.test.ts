/**
 * The sandbox without Redis: the console says so, and the whole flow still runs on the
 * in-memory adapters and the in-process timer loop, through the real Graph adapter and the
 * simulated tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../adapters/entra-sim/sandbox-world.ts';
import { loadConfig } from '../../bot/config.ts';
import { appError } from '../../bot/core/errors.ts';
import { createLogger } from '../../bot/log.ts';
import { type Sandbox, startSandbox } from '../../bot/sandbox.ts';
import { safeWithCode } from '../../cards/teams/escape.ts';

const [alice, bob, carol, erin, sam] = SANDBOX_PEOPLE.map((p) => p.id);
let sandbox: Sandbox;

interface Item {
  id: number;
  said?: string;
  card?: unknown;
  approvalFor?: string;
}
interface State {
  banner: string | null;
  feeds: { security: Item[]; approvals: Item[]; chat: Item[] };
}

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const state = async (as = '') =>
  (await (await fetch(`${sandbox.url}/api/state?as=${as}`)).json()) as State;
const text = (x: unknown) => JSON.stringify(x);
/** The texts of every TextBlock in an Adaptive Card, in order. */
const textBlocks = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(textBlocks);
  if (typeof node !== 'object' || node === null) return [];
  const own =
    'type' in node && node.type === 'TextBlock' && 'text' in node ? [String(node.text)] : [];
  return [...own, ...Object.values(node).flatMap(textBlocks)];
};

beforeAll(async () => {
  // Nothing listens on port 1: the sandbox falls back to memory.
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' });
  sandbox = await startSandbox({ config, log: createLogger('silent') });
}, 30_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox on the in-memory adapters', () => {
  it('shows a banner saying state is kept in memory', async () => {
    expect(sandbox.storage).toBe('memory');
    expect((await state()).banner).toMatch(/No Redis at redis:\/\/127\.0\.0\.1:1.*in memory/);
  });

  it('runs request → approve → activate → deactivate, with the grant made and removed in the tenant', async () => {
    const asked = await post('/api/command', {
      as: alice,
      text: '/elevate Exchange Administrator 10m fixing mail flow INC-4711',
    });
    expect(text(asked.body)).toMatch(/sent to the approvers/);
    const card = (await state(bob)).feeds.chat.find((i) => i.approvalFor);
    expect(card).toBeDefined();
    const requestId = card?.approvalFor ?? '';
    const approved = await post('/api/action', {
      as: bob,
      itemId: card?.id,
      verb: 'approve',
      data: { requestId },
    });
    expect(approved.status).toBe(200);
    await expect
      .poll(async () => text((await state()).feeds.security), { timeout: 10_000 })
      .toMatch(/activated Exchange Administrator/);
    const held = () =>
      sandbox.tenant.tenant.activeAssignments().filter((a) => a.principalId === alice);
    expect(held()).toHaveLength(1);

    const ended = await post('/api/command', {
      as: alice,
      text: `/elevate deactivate ${requestId}`,
    });
    expect(ended.status).toBe(200);
    await expect.poll(() => held().length, { timeout: 10_000 }).toBe(0);
    expect(text((await state()).feeds.security)).toMatch(/ended|deactivated/i);
  });

  it('lets a newcomer try a PIM group and an Azure role in one request', async () => {
    const roles = await post('/api/command', { as: alice, text: '/elevate roles' });
    expect(text(roles.body)).toContain('group Payments Oncall');
    expect(text(roles.body)).toContain('Contributor on Payments Prod');
    const asked = await post('/api/command', {
      as: alice,
      text: '/elevate group oncall, Contributor on rg-payments 10m hotfix for payments INC-4712',
    });
    expect(text(asked.body)).toMatch(/sent to the approvers/);
    const card = (await state(bob)).feeds.chat.findLast((i) => i.approvalFor);
    const requestId = card?.approvalFor ?? '';
    expect(
      (
        await post('/api/action', {
          as: bob,
          itemId: card?.id,
          verb: 'approve',
          data: { requestId },
        })
      ).status,
    ).toBe(200);
    await expect
      .poll(
        () =>
          sandbox.tenant.tenant.azure.activeAssignments().filter((a) => a.principalId === alice)
            .length,
        {
          timeout: 10_000,
        },
      )
      .toBe(1);
    expect(
      sandbox.tenant.tenant.activeGroupAssignments().filter((a) => a.principalId === alice),
    ).toHaveLength(1);
  });

  it('approves Bob at once: he is on call in the simulated PagerDuty; Carol is not', async () => {
    const asked = await post('/api/command', {
      as: bob,
      text: '/elevate secadmin 10m paged for a phishing wave INC-77',
    });
    expect(text(asked.body)).toMatch(/is approved: on call in PagerDuty schedule Security on call/);
    await expect
      .poll(() => sandbox.tenant.tenant.activeAssignments().some((a) => a.principalId === bob), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(text((await state()).feeds.security)).toMatch(
      /Bob Approver was approved for Security Administrator without an approver/,
    );
    const carols = await post('/api/command', {
      as: carol,
      text: '/elevate secadmin 10m checking alert rules INC-78',
    });
    expect(text(carols.body)).toMatch(/sent to the approvers/);
  });

  it('answers whocan for an auditor, and refuses a requester', async () => {
    const asked = await post('/api/command', { as: erin, text: '/elevate whocan exo' });
    const said = text(asked.body).replace(/\\\\(.)/g, '$1');
    expect(said).toContain('Who can activate Exchange Administrator');
    expect(said).toContain('Alice Admin (alice@contoso.example)');
    expect(said).toContain('Sam Dormant');
    expect(said).toContain(
      '"title":"Justification","value":"at least 10 characters (policy.yaml and Entra PIM)"',
    );
    expect(said).toContain('"title":"Max duration","value":"4h (policy.yaml)"');
    const refused = await post('/api/command', { as: sam, text: '/elevate whocan exo' });
    expect(text(refused.body)).toMatch(/for approvers and auditors/);
  });

  it('lets nobody approve their own request, and says why on the card', async () => {
    await post('/api/command', {
      as: bob,
      text: '/elevate Global Administrator 10m break glass test INC-1',
    });
    const own = (await state(bob)).feeds.chat.at(-1);
    const requestId = /request (\w+)/i.exec(text(own?.card))?.[1] ?? '';
    const tried = await post('/api/action', {
      as: bob,
      itemId: 0,
      verb: 'approve',
      data: { requestId },
    });
    expect(text(tried.body)).toMatch(/own request/i);
  });

  it("refuses someone else's history to a requester and gives auditors the CSV export", async () => {
    const refused = await post('/api/command', { as: sam, text: '/elevate history all' });
    expect(text(refused.body)).toMatch(/approvers and auditors/i);
    const asked = await post('/api/command', { as: erin, text: '/elevate export' });
    expect(text(asked.body)).toMatch(/download the CSV/i);
    const csv = await fetch(`${sandbox.url}/api/export.csv?as=${erin}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const body = await csv.text();
    expect(body.split('\r\n')[0]).toMatch(/^time,requester,role,action/);
    expect(body).toMatch(/Exchange Administrator/);
    expect((await fetch(`${sandbox.url}/api/export.csv?as=${sam}`)).status).toBe(403);
  });

  it('lets Alice break the glass on Exchange Administrator after a Confirm; Bob acknowledges', async () => {
    const asked = await post('/api/command', {
      as: alice,
      text: '/elevate breakglass Exchange Administrator mail flow down INC-4713',
    });
    const question = text(asked.body).replace(/\\\\(.)/g, '$1');
    expect(question).toContain(
      'This activates Exchange Administrator now for 10m without approval',
    );
    const item = asked.body.item as { id: number };
    const confirmed = await post('/api/action', {
      as: alice,
      itemId: item.id,
      verb: 'breakglassConfirm',
      data: { text: 'Exchange Administrator -- mail flow down INC-4713' },
    });
    const answer = text(confirmed.body).replace(/\\\\(.)/g, '$1');
    expect(answer).toContain('Break-glass: activating Exchange Administrator now for 10m');
    const requestId = /R[0-9A-Z]{7,}/.exec(answer)?.[0] ?? '';
    await expect
      .poll(() => sandbox.tenant.tenant.activeAssignments().some((a) => a.principalId === alice), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(text((await state()).feeds.security).replace(/\\\\(.)/g, '$1')).toContain(
      'BREAK-GLASS: Alice Admin activated Exchange Administrator without approval',
    );
    const card = (await state(bob)).feeds.chat.find((i) => i.approvalFor === requestId);
    expect(text(card?.card)).toContain('"verb":"acknowledge"');
    const acked = await post('/api/action', {
      as: bob,
      itemId: card?.id,
      verb: 'acknowledge',
      data: { requestId },
    });
    expect(text(acked.body).replace(/\\\\(.)/g, '$1')).toContain('acknowledged by Bob Approver');
    await post('/api/command', { as: alice, text: `/elevate deactivate ${requestId}` });
  });

  it('answers bad input with a clear error instead of acting', async () => {
    expect((await post('/api/command', { text: 'help' })).status).toBe(400);
    const stranger = await post('/api/command', { as: 'someone-else', text: 'help' });
    expect(stranger.body.error).toMatch(/pick one of the sandbox people/);
    const before = await state(alice);
    const badVerb = await post('/api/action', { as: alice, itemId: 0, verb: 'launch', data: {} });
    expect(badVerb.status).toBe(200);
    const refusal = appError('command.bad_argument', {
      command: 'card',
      text: 'launch',
      example: '/elevate help',
    });
    // The console shows Teams cards: the message Markdown-escaped, its code spans kept as code.
    expect(textBlocks(badVerb.body.card)).toEqual([safeWithCode(refusal.message)]);
    // Refused, not acted on: no feed (chat, approvals, security) gained or changed an item.
    expect(await state(alice)).toEqual(before);
  });

  it("shows delegated mode: PIM itself activates Teams Administrator and Reader with Alice's own sign-in", async () => {
    const signIn = async (command: string, scope: RegExp, mfa: boolean): Promise<string> => {
      const before = (await state(alice)).feeds.chat.length;
      await post('/api/command', { as: alice, text: command });
      let link = '';
      for (let i = 0; i < 100 && !link; i++) {
        const fresh = (await state(alice)).feeds.chat.slice(before);
        link = /http:\/\/[^"]+\/auth\/start\?t=[\w-]+/.exec(text(fresh))?.[0] ?? '';
        if (!link) await new Promise((r) => setTimeout(r, 100));
      }
      expect(link).not.toBe('');
      const start = await fetch(link, { redirect: 'manual' });
      const authorize = new URL(start.headers.get('location') ?? '');
      expect(authorize.searchParams.get('scope')).toMatch(scope);
      authorize.searchParams.set('sim_user', alice ?? '');
      authorize.searchParams.set('sim_mfa', mfa ? 'yes' : 'no');
      const back = (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '';
      return (await fetch(back, { redirect: 'manual' })).text();
    };
    const teams = (mfa: boolean) =>
      signIn(
        '/elevate teams 10m updating meeting policies',
        /RoleAssignmentSchedule\.ReadWrite\.Directory/,
        mfa,
      );
    const reader = (mfa: boolean) =>
      signIn(
        '/elevate Reader on rg-payments-web 10m reading the web logs INC-4713',
        /\/user_impersonation/,
        mfa,
      );
    // The simulated tenant's PIM settings require MFA for both: PIM refuses without.
    expect(await teams(false)).toContain('PIM did not activate the role');
    expect(await teams(true)).toContain('PIM activated your role');
    expect(await reader(false)).toContain('PIM did not activate the role');
    expect(await reader(true)).toContain('PIM activated your role');
    expect(
      sandbox.tenant.tenant.azure
        .activeAssignments()
        .filter((a) => a.principalId === alice && a.assignmentType === 'Activated')
        .map((a) => a.scope.split('/').pop()),
    ).toEqual(['rg-payments-web']);
  });

  it('gives Bob, the reviewer, review cards at start: Keep, and Remove with a reason through PIM', async () => {
    const reviewCard = async (title: string) => {
      for (let tries = 0; tries < 50; tries++) {
        const found = (await state(bob)).feeds.chat.find((i) =>
          textBlocks(i.card).includes(`Eligibility review: ${title}`),
        );
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no review card for ${title}`);
    };
    const group = await reviewCard('group Payments Oncall');
    const groupReview = /rv-group-payments-oncall-\d+/.exec(text(group.card))?.[0] ?? '';
    const kept = await post('/api/action', {
      as: bob,
      itemId: group.id,
      verb: 'reviewKeep',
      data: { reviewId: groupReview, principalId: alice },
    });
    expect(textBlocks(kept.body).join(' ')).toContain('Kept by Bob Approver');
    const exchange = await reviewCard('Exchange Administrator');
    expect(textBlocks(exchange.card).join(' ')).toContain('Sam Dormant');
    const exchangeReview = /rv-exchange-administrator-\d+/.exec(text(exchange.card))?.[0] ?? '';
    const removed = await post('/api/action', {
      as: bob,
      itemId: exchange.id,
      verb: 'reviewRemove',
      data: {
        reviewId: exchangeReview,
        principalId: sam,
        [`reason_${sam}`]: 'left the team months ago',
      },
    });
    expect(textBlocks(removed.body).join(' ')).toContain('Removed by Bob Approver');
    const roles = await post('/api/command', { as: sam, text: '/elevate roles' });
    expect(text(roles.body)).not.toContain('Exchange Administrator');
  });
});
