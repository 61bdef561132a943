/** PIM settings as Graph returns them: unifiedRoleManagementPolicy rules. */
import type { StandInPolicy, Tenant } from '../tenant.ts';

/** A directory role's rules. */
export const rulesOf = (t: Tenant, roleId: string) => rulesFor(t.policies.get(roleId) ?? {});

/** The rules of one policy: a directory role's, or a group's for membership or ownership. */
export function rulesFor(p: StandInPolicy) {
  const enabled = (j?: boolean, tk?: boolean, mfa?: boolean) => [
    ...(mfa ? ['MultiFactorAuthentication'] : []),
    ...(j ? ['Justification'] : []),
    ...(tk ? ['Ticketing'] : []),
  ];
  const target = (caller: string) => ({
    caller,
    operations: ['all'],
    level: 'Assignment',
    inheritableSettings: [],
    enforcedSettings: [],
  });
  return [
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: p.maximumDuration ?? 'PT8H',
      target: target('EndUser'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_EndUser_Assignment',
      enabledRules: enabled(p.justification, p.ticketing, p.mfa),
      target: target('EndUser'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      id: 'Approval_EndUser_Assignment',
      setting: {
        isApprovalRequired: p.approval ?? false,
        approvalStages: p.approval
          ? [
              {
                approvalStageTimeOutInDays: 1,
                isApproverJustificationRequired: true,
                primaryApprovers: (p.approvers ?? []).map((userId) => ({
                  '@odata.type': '#microsoft.graph.singleUser',
                  userId,
                })),
              },
            ]
          : [],
      },
      target: target('EndUser'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: p.adminMaximumDuration ?? 'P365D',
      target: target('Admin'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_Admin_Assignment',
      enabledRules: p.adminJustification ? ['Justification'] : [],
      target: target('Admin'),
    },
  ];
}
