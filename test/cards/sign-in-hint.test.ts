/** The activation message tells the requester when apps may need a fresh sign-in to see it. */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../bot/core/domain/target.ts';
import { outcomeText } from '../../cards/outcome-text.ts';
import { FIXTURE_TIME, makeRequest } from '../support/fixtures.ts';

const payments: Target = {
  kind: 'group',
  id: '3f0c2a10-0000-4000-8000-0000000000a1',
  name: 'Payments Oncall',
  scope: '/',
  access: 'member',
};

const activated = (targets?: readonly Target[]) =>
  outcomeText(
    makeRequest({
      state: 'active',
      activatedAt: FIXTURE_TIME,
      endsAt: FIXTURE_TIME + 3_600_000,
      ...(targets ? { targets } : {}),
    }),
    'activated',
    'requester',
    {},
    FIXTURE_TIME,
    'UTC',
  );

describe('the sign-in hint on activation', () => {
  it('names group membership when a group is granted', () => {
    expect(activated([payments])).toContain(
      'Apps that cache your group membership may need you to sign out and back in',
    );
  });

  it('names roles and group membership when both are granted, roles alone otherwise', () => {
    const roles = makeRequest().targets;
    expect(activated([...roles, payments])).toContain(
      'Apps that cache your roles or group membership may need you to sign out and back in',
    );
    expect(activated()).toContain('Apps that cache your roles may need you to sign out');
  });
});
