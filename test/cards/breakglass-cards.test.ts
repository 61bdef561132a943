/** A break-glass request on the cards: marked as such, with Acknowledge until an approver presses it. */
import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { approvalCard as slackCard } from '../../cards/slack/approval.ts';
import { approvalCard as teamsCard } from '../../cards/teams/approval.ts';
import { historyLine } from '../../cards/wording.ts';
import { FIXTURE_TIME, makeRequest } from '../support/fixtures.ts';
import { people } from '../support/tenant.ts';

const H = 3_600_000;
const facts = { maxDuration: 3600, quorum: 0 };

function breakglass(over: Partial<NonNullable<AccessRequest['breakglass']>> = {}): AccessRequest {
  const base = makeRequest();
  return makeRequest({
    state: 'active',
    approval: { ...base.approval, required: false, quorum: 0 },
    activatedAt: FIXTURE_TIME,
    endsAt: FIXTURE_TIME + H,
    breakglass: {
      reviewBy: FIXTURE_TIME + H,
      acknowledgedBy: null,
      acknowledgedAt: null,
      escalatedAt: null,
      ...over,
    },
  });
}

describe('break-glass cards', () => {
  it('Slack: titled BREAK-GLASS, with Acknowledge only until acknowledged', () => {
    const open = JSON.stringify(slackCard(breakglass(), facts, FIXTURE_TIME, 'UTC'));
    expect(open).toContain(
      'BREAK-GLASS: Alice Admin activated Exchange Administrator without approval',
    );
    expect(open).toContain('elevate_acknowledge');
    expect(open).toContain('an approver must acknowledge it by Mon 23 Nov 10:00 UTC');
    expect(open).not.toContain('elevate_approve');
    const acked = breakglass({ acknowledgedBy: people.bob, acknowledgedAt: FIXTURE_TIME + 60_000 });
    const done = JSON.stringify(slackCard(acked, facts, FIXTURE_TIME, 'UTC'));
    expect(done).not.toContain('elevate_acknowledge');
    expect(done).toContain('BREAK-GLASS, acknowledged by Bob Approver Mon 23 Nov 09:01 UTC');
  });

  it('Teams: the Acknowledge action only until acknowledged; an escalated one says so', () => {
    const open = JSON.stringify(teamsCard(breakglass(), facts, [], FIXTURE_TIME, 'UTC'));
    expect(open).toContain('"verb":"acknowledge"');
    expect(open).not.toContain('"verb":"approve"');
    const late = breakglass({ escalatedAt: FIXTURE_TIME + H });
    expect(JSON.stringify(teamsCard(late, facts, [], FIXTURE_TIME, 'UTC'))).toContain(
      'not acknowledged in time',
    );
    const acked = breakglass({ acknowledgedBy: people.bob, acknowledgedAt: FIXTURE_TIME });
    expect(JSON.stringify(teamsCard(acked, facts, [], FIXTURE_TIME, 'UTC'))).not.toContain(
      '"verb":"acknowledge"',
    );
  });

  it('history says break-glass instead of "no approval needed"', () => {
    const line = historyLine(breakglass(), FIXTURE_TIME, 'UTC');
    expect(line).toContain('BREAK-GLASS, activated without approval');
    expect(line).not.toContain('no approval needed');
  });
});
