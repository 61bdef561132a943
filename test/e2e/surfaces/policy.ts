/**
 * The policy of the lifecycle contract on Slack and Teams: one approver, quorum 1, a backup
 * approver after the approval timeout, and timers far enough away that the test drives them.
 */
import type { Policy } from '../../../bot/core/domain/policy.ts';
import { parsePolicy } from '../../../bot/policy-file.ts';

const POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com], quorum: 1, timeout: 1h, escalateTo: [carol@contoso.com] }
  justification: { required: true, minLength: 10 }
  reminderBefore: 10m
roles:
  Exchange Administrator: { aliases: [exchange, exo], maxDuration: 4h }
channels:
  security: { slack: C0SECURITY, teams: "19:security@thread.tacv2" }
  approvals: { slack: C0APPROVALS, teams: "19:approvals@thread.tacv2" }
auditors: [dave@contoso.com]
`;

export function lifecyclePolicy(): Policy {
  const policy = parsePolicy(POLICY, 'policy.yaml');
  if (!policy.ok) throw new Error(policy.error.map((e) => e.message).join('\n'));
  return policy.value;
}
