/**
 * `/elevate whocan` on Slack end to end: an approver sees who PIM lists as eligible (read
 * from the Graph stand-in), who approves and where each rule comes from; an outsider is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, slashCommand, startWorld, TENANT, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('whocan on Slack', () => {
  it('shows an approver who is eligible, who approves and the effective policy', async () => {
    const reply = JSON.parse(await slashCommand(world, TENANT.bob, 'whocan exo')) as {
      blocks: { text?: { text?: string } }[];
    };
    const text = reply.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(text).toContain('Who can activate Exchange Administrator');
    expect(text).toContain('Alice Admin (alice@contoso.com), permanent');
    expect(text).toMatch(/Max duration: 4h \(policy\.yaml\)/);
    expect(text).toContain('Approval: 1 of the approvers (policy.yaml; quorum from policy.yaml)');
    expect(text).toContain('Approvers: bob@contoso.com, group:');
    expect(
      world.graph.calls.some(
        (c) =>
          c.path.includes('/roleEligibilityScheduleInstances') &&
          decodeURIComponent(c.path).includes(`roleDefinitionId eq '${ROLES.exchange.id}'`),
      ),
    ).toBe(true);
  });

  it('refuses someone who is neither approver nor auditor', async () => {
    const reply = await slashCommand(world, TENANT.dave, 'whocan exo');
    expect(reply).toContain('is for approvers and auditors');
    expect(reply).not.toContain('Alice Admin');
  });
});
