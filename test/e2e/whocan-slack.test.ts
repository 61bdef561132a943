/**
 * `/elevate whocan` on Slack end to end: an approver sees who PIM lists as eligible (read
 * from the Graph stand-in), who approves and where each rule comes from; an outsider is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENTS_ONCALL, ROLES, slashCommand, startWorld, TENANT, type World } from './world.ts';

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

  it('answers for a PIM group and for an Azure role at a scope, read tenant-wide', async () => {
    const text = async (command: string) => {
      const reply = JSON.parse(await slashCommand(world, TENANT.bob, command)) as {
        blocks: { text?: { text?: string } }[];
      };
      return reply.blocks.map((b) => b.text?.text ?? '').join('\n');
    };
    const group = await text('whocan group payments');
    expect(group).toContain('Who can activate PIM group Payments Oncall (member)');
    expect(group).toContain('Alice Admin (alice@contoso.com), permanent');
    // Bob holds ownership, not membership.
    expect(group).not.toContain('Bob Approver (bob@contoso.com)');
    const owners = await text('whocan group Payments Oncall owner');
    expect(owners).toContain('Bob Approver (bob@contoso.com), permanent');
    expect(
      world.graph.calls.some(
        (c) =>
          c.path.includes('/privilegedAccess/group/eligibilityScheduleInstances') &&
          decodeURIComponent(c.path).includes(`groupId eq '${PAYMENTS_ONCALL.id}'`),
      ),
    ).toBe(true);
    // Eligible on the subscription: Contributor on a resource group below it.
    const azure = await text('whocan Contributor on rg-payments');
    expect(azure).toContain('Who can activate Contributor on rg-payments (Azure)');
    expect(azure).toContain('Alice Admin (alice@contoso.com) on Payments Prod');
    expect(await text('whocan Contributor on rg-elsewhere')).toContain('rg-elsewhere');
  });

  it('refuses someone who is neither approver nor auditor', async () => {
    const reply = await slashCommand(world, TENANT.dave, 'whocan exo');
    expect(reply).toContain('is for approvers and auditors');
    expect(reply).not.toContain('Alice Admin');
  });
});
