/**
 * The ids a Teams approval card refreshes for: approvers' personal chats first, otherwise
 * the approvals channel's members matched by Entra object id (people by email, groups by
 * membership), never the requester; the member list is kept for minutes, and a failed
 * listing is logged once and tried again a minute later.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDirectory } from '../../../adapters/memory/directory.ts';
import { TeamsApproverIds, type TeamsMember } from '../../../adapters/teams/approver-ids.ts';
import { makeRequest } from '../../support/fixtures.ts';
import { people } from '../../support/tenant.ts';

const GROUP = '0f1e2d3c-0000-4000-8000-0000000000aa';
const directory = new MemoryDirectory(Object.values(people), [
  { id: GROUP, members: [people.carol.id, people.alice.id] },
]);
const member = (p: { id: string }, n: string): TeamsMember => ({
  id: `29:${n}`,
  aadObjectId: p.id,
});
const ROSTER = [
  member(people.alice, 'alice'),
  member(people.bob, 'bob'),
  member(people.carol, 'carol'),
  member(people.dave, 'dave'),
];
const request = makeRequest({
  approval: { ...makeRequest().approval, approvers: ['bob@contoso.com', `group:${GROUP}`] },
});

function ids(listing: () => Promise<readonly TeamsMember[] | null>) {
  let now = 0;
  let calls = 0;
  const warnings: string[] = [];
  const log = {
    warn: (_o: unknown, msg: string) => void warnings.push(msg),
  } as unknown as ConstructorParameters<typeof TeamsApproverIds>[0]['log'];
  const source = new TeamsApproverIds({
    directory,
    personalChats: async () => [{ id: 'a:1-erin', userId: '29:erin-personal' }],
    channelMembers: () => {
      calls += 1;
      return listing();
    },
    now: () => now,
    log,
  });
  const advance = (ms: number) => {
    now += ms;
  };
  return { source, calls: () => calls, warnings, advance };
}

describe('Teams approver ids', () => {
  it('lists personal chats and channel members who approve, never the requester', async () => {
    const t = ids(async () => ROSTER);
    const listed = await t.source.of(request);
    expect([...listed].sort()).toEqual(['29:bob', '29:carol', '29:erin-personal']);
  });

  it('keeps the member list for ten minutes', async () => {
    const t = ids(async () => ROSTER);
    await t.source.of(request);
    t.advance(9 * 60_000);
    await t.source.of(request);
    expect(t.calls()).toBe(1);
    t.advance(2 * 60_000);
    await t.source.of(request);
    expect(t.calls()).toBe(2);
  });

  it('a failed listing falls back to personal chats, is logged once and retried after a minute', async () => {
    let fail = true;
    const t = ids(async () => {
      if (fail) throw new Error('403 BotNotInConversationRoster');
      return ROSTER;
    });
    expect(await t.source.of(request)).toEqual(['29:erin-personal']);
    expect(await t.source.of(request)).toEqual(['29:erin-personal']);
    expect(t.warnings).toHaveLength(1);
    fail = false;
    t.advance(61_000);
    expect(await t.source.of(request)).toContain('29:bob');
    expect(t.calls()).toBe(2);
  });
});
