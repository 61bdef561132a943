/**
 * The Slack delegated-mode world (slack-delegated.test.ts): every target in delegated mode,
 * and PIM's own rules that the tests meet there (MFA for Global Administrator and for Reader,
 * PIM's approval by Bob for Helpdesk Administrator).
 */
import { AZURE, ROLES, SUBSCRIPTION_SCOPE, TENANT, type World } from './world.ts';

export const SLACK_DELEGATED_POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com], quorum: 1, timeout: 1h }
  justification: { required: true, minLength: 10 }
roles:
  Exchange Administrator: { mode: delegated, approval: { required: false } }
  Global Administrator: { mode: delegated, approval: { required: false } }
  Security Administrator: { mode: delegated }
  Helpdesk Administrator: { mode: delegated, approval: { required: false } }
groups:
  Payments Oncall: { mode: delegated, approval: { required: false } }
azureRoles:
  Reader: { mode: delegated, approval: { required: false } }
  Contributor: { mode: delegated, approval: { required: false } }
azure:
  scopes: [${SUBSCRIPTION_SCOPE}]
channels:
  security: { slack: C0SECURITY }
  approvals: { slack: C0APPROVALS }
`;

export function setPimRules(world: World): void {
  // PIM's own rule for Global Administrator: MFA at activation.
  world.graph.tenant.setPolicy(ROLES.global.id, { mfa: true });
  // PIM's own approval for Helpdesk Administrator, by Bob.
  world.graph.tenant.setPolicy(ROLES.helpdesk.id, { approval: true, approvers: [TENANT.bob.id] });
  // PIM's own rule for Reader (an Azure role): MFA at activation.
  world.graph.tenant.azure.setPolicy(AZURE.reader, { mfa: true });
}
