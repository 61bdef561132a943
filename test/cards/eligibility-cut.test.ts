/** A grant cut short by the end of the eligibility says so, to the approvers and the requester. */
import { describe, expect, it } from 'vitest';
import { outcomeText } from '../../cards/outcome-text.ts';
import { approvalCard as slackApproval } from '../../cards/slack/index.ts';
import { approvalCard as teamsApproval } from '../../cards/teams/index.ts';
import { FIXTURE_TIME, makeRequest } from '../support/fixtures.ts';

const ZONE = 'UTC';
const facts = { maxDuration: 4 * 3600, quorum: 1 };
const soon = FIXTURE_TIME + 50 * 60_000;

describe('a grant cut by the eligibility', () => {
  it('the approval cards show the cut next to the duration', () => {
    const cut = makeRequest({ eligibleUntil: soon });
    const note = 'cut: the eligibility in Entra PIM ends Mon 23 Nov 09:50 UTC';
    expect(JSON.stringify(slackApproval(cut, facts, FIXTURE_TIME, ZONE).blocks)).toContain(note);
    expect(JSON.stringify(teamsApproval(cut, facts, [], FIXTURE_TIME, ZONE))).toContain(note);
  });

  it('says nothing when the eligibility outlasts the grant or is permanent', () => {
    for (const eligibleUntil of [null, FIXTURE_TIME + 3 * 3_600_000]) {
      const r = makeRequest({ eligibleUntil });
      expect(JSON.stringify(slackApproval(r, facts, FIXTURE_TIME, ZONE).blocks)).not.toContain(
        'cut:',
      );
    }
  });

  it('the activation message names the earlier end', () => {
    const active = makeRequest({
      state: 'active',
      eligibleUntil: soon,
      activatedAt: FIXTURE_TIME,
      endsAt: soon,
    });
    expect(outcomeText(active, 'activated', 'requester', {}, FIXTURE_TIME, ZONE)).toContain(
      'until Mon 23 Nov 09:50 UTC (cut: the eligibility in Entra PIM ends Mon 23 Nov 09:50 UTC)',
    );
  });
});
