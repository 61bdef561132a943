/**
 * The Teams SDK is not loaded when the bot starts: the first message out (an alert through the
 * notify queue, before any activity came in) loads it, and the activities after it are
 * answered by the same loaded adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsSdkLoaded } from '../../adapters/teams/index.ts';
import { waitFor } from '../support/wait.ts';
import { SECURITY, startTeamsWorld, type TeamsWorld } from './teams-world.ts';
import { TENANT } from './world.ts';

let world: TeamsWorld;

beforeAll(async () => {
  world = await startTeamsWorld();
}, 30_000);

afterAll(async () => {
  await world?.close();
});

describe('the Teams SDK, loaded on first use', () => {
  it('is not loaded at start; a message out loads it, and activities are answered after', async () => {
    expect(teamsSdkLoaded()).toBe(false);
    const { connector } = world.teams;
    await world.app.deps.notifier.securityAlert({
      kind: 'stale_account',
      key: `stale_account:${TENANT.dave.id}:first-load`,
      title: 'Dave Outsider (dave@contoso.com) may be a stale account',
      details: ['No sign-in for 120 days.'],
      action: 'Confirm the person still needs these roles.',
      since: null,
    });
    const posted = await waitFor(() => connector.activitiesIn(SECURITY)[0], 10_000, 'the alert');
    expect(JSON.stringify(posted.activity)).toMatch(/may be a stale account/);
    expect(teamsSdkLoaded()).toBe(true);
    expect(await world.say(TENANT.alice, 'help')).toContain('How to use elevate');
  }, 30_000);
});
