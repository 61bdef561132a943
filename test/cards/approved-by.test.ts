/**
 * Who decided stays on the record: once a request is past its approval, both platforms' cards
 * and the security channel's activation post name every approver.
 */
import { describe, expect, it } from 'vitest';
import { outcomeText } from '../../cards/outcome-text.ts';
import { approvalCard as slackCard } from '../../cards/slack/index.ts';
import { approvalCard as teamsCard } from '../../cards/teams/index.ts';
import { makeRequest } from '../support/fixtures.ts';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const ZONE = 'UTC';
const person = (name: string) => ({
  id: `u-${name}`,
  displayName: name,
  email: `${name.split(' ')[0]?.toLowerCase()}@contoso.com`,
});
const quorumTwo = makeRequest({
  state: 'active',
  activatedAt: NOW,
  endsAt: NOW + 3600_000,
  approvals: [
    { by: person('Bob Approver'), at: NOW - 60_000 },
    { by: person('Carol Approver'), at: NOW - 30_000 },
  ],
});
const BOTH = 'Approved by Bob Approver, Carol Approver';

describe('approved by, after the approval', () => {
  it('the Slack and Teams cards of an active grant name both approvers', () => {
    const facts = { maxDuration: 3600, quorum: 2 };
    expect(JSON.stringify(slackCard(quorumTwo, facts, NOW, ZONE))).toContain(BOTH);
    expect(JSON.stringify(teamsCard(quorumTwo, facts, [], NOW, ZONE))).toContain(BOTH);
  });

  it('the ended card still says who approved it', () => {
    const ended = {
      ...quorumTwo,
      state: 'ended' as const,
      endedAt: NOW,
      endReason: 'expired' as const,
    };
    const card = JSON.stringify(teamsCard(ended, { maxDuration: 3600, quorum: 2 }, [], NOW, ZONE));
    expect(card).toContain('Expired at');
    expect(card).toContain(BOTH);
  });

  it('the security post of an activation names the approvers, or says none was needed', () => {
    expect(outcomeText(quorumTwo, 'activated', 'security', {}, NOW, ZONE)).toContain(BOTH);
    const auto = { ...quorumTwo, approvals: [] };
    expect(outcomeText(auto, 'activated', 'security', {}, NOW, ZONE)).toContain(
      'No approval needed',
    );
  });
});
