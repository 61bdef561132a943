/** What one history row tells an auditor, the same on Slack and Teams. */
import { describe, expect, it } from 'vitest';
import { historyLine } from '../../cards/wording.ts';
import { FIXTURE_TIME, makeRequest } from '../support/fixtures.ts';
import { people, roles } from '../support/tenant.ts';

const H = 3_600_000;

describe('history line', () => {
  it('names requester, role and scope, start, end, approvers, ticket, reason and outcome', () => {
    const ended = makeRequest({
      state: 'ended',
      targets: [
        {
          kind: 'directory_role',
          id: roles.exchange.id,
          name: roles.exchange.name,
          scope: '/administrativeUnits/au-1',
        },
      ],
      approvals: [{ by: people.bob, at: FIXTURE_TIME + 60_000 }],
      activatedAt: FIXTURE_TIME + 2 * 60_000,
      endsAt: FIXTURE_TIME + 2 * H,
      endedAt: FIXTURE_TIME + H,
      endReason: 'deactivated',
    });
    const line = historyLine(ended, FIXTURE_TIME + 3 * H, 'UTC');
    expect(line).toBe(
      `Mon 23 Nov 09:00 UTC · ${ended.id} · Alice Admin · Exchange Administrator on /administrativeUnits/au-1 · 2h · started Mon 23 Nov 09:02 UTC · Deactivated early at Mon 23 Nov 10:00 UTC. · approved by Bob Approver · ticket INC-4711 · reason: fixing mail flow INC-4711`,
    );
  });

  it('shows the time left of an active grant and says when no approval was needed', () => {
    const active = makeRequest({
      state: 'active',
      ticket: null,
      approval: { ...makeRequest().approval, required: false },
      activatedAt: FIXTURE_TIME,
      endsAt: FIXTURE_TIME + H,
    });
    const line = historyLine(active, FIXTURE_TIME + 15 * 60_000, 'UTC');
    expect(line.split(' · ')).toEqual([
      'Mon 23 Nov 09:00 UTC',
      active.id,
      'Alice Admin',
      'Exchange Administrator',
      '2h',
      'started Mon 23 Nov 09:00 UTC',
      'Active until Mon 23 Nov 10:00 UTC (45m left).',
      'no approval needed',
      'reason: fixing mail flow INC-4711',
    ]);
  });
});
