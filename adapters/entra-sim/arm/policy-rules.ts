/** A role's PIM settings as ARM's roleManagementPolicyAssignments give them (effectiveRules). */

import { azureRoleDefinitionId } from '../world.ts';
import { PROVIDER } from './reply.ts';
import type { ArmState } from './state.ts';

function effectiveRules(arm: ArmState, roleGuid: string) {
  const p = arm.policies.get(roleGuid) ?? {};
  const target = (caller: string) => ({
    caller,
    operations: ['All'],
    level: 'Assignment',
    targetObjects: null,
    inheritableSettings: null,
    enforcedSettings: null,
  });
  return [
    {
      id: 'Expiration_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: true,
      maximumDuration: p.maximumDuration ?? 'PT8H',
      target: target('EndUser'),
    },
    {
      id: 'Enablement_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyEnablementRule',
      enabledRules: [
        ...(p.mfa ? ['MultiFactorAuthentication'] : []),
        ...(p.justification ? ['Justification'] : []),
        ...(p.ticketing ? ['Ticketing'] : []),
      ],
      target: target('EndUser'),
    },
    {
      id: 'Approval_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyApprovalRule',
      setting: {
        isApprovalRequired: p.approval ?? false,
        approvalMode: 'SingleStage',
        approvalStages: p.approvers?.length
          ? [
              {
                approvalStageTimeOutInDays: 1,
                isApproverJustificationRequired: true,
                primaryApprovers: p.approvers.map((id) => ({
                  id,
                  userType: 'User',
                  isBackup: false,
                })),
              },
            ]
          : [],
      },
      target: target('EndUser'),
    },
    {
      id: 'AuthenticationContext_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyAuthenticationContextRule',
      isEnabled: false,
      claimValue: '',
      target: target('EndUser'),
    },
    {
      id: 'Expiration_Admin_Assignment',
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: false,
      maximumDuration: p.adminMaximumDuration ?? 'P365D',
      target: target('Admin'),
    },
    {
      id: 'Enablement_Admin_Assignment',
      ruleType: 'RoleManagementPolicyEnablementRule',
      enabledRules: p.adminJustification ? ['Justification'] : [],
      target: target('Admin'),
    },
  ];
}

/** One policy assignment per role at `scope`; `roleDefinitionId` narrows to one. */
export function policyAssignments(arm: ArmState, scope: string, roleDefinitionId: string | null) {
  return [...arm.roles.keys()]
    .map((guid) => ({ guid, id: azureRoleDefinitionId(scope, guid) }))
    .filter(
      (r) => roleDefinitionId === null || r.id.toLowerCase() === roleDefinitionId.toLowerCase(),
    )
    .map(({ guid, id }) => {
      const policyId = `${scope}${PROVIDER}/roleManagementPolicies/${guid}`;
      const name = `${guid}_${guid}`;
      return {
        id: `${scope}${PROVIDER}/roleManagementPolicyAssignments/${name}`,
        name,
        type: 'Microsoft.Authorization/RoleManagementPolicyAssignment',
        properties: {
          scope,
          roleDefinitionId: id,
          policyId,
          effectiveRules: effectiveRules(arm, guid),
          policyAssignmentProperties: {
            scope: { id: scope, type: 'subscription' },
            roleDefinition: { id, displayName: arm.roles.get(guid) ?? guid, type: 'BuiltInRole' },
            policy: { id: policyId, lastModifiedDateTime: null },
          },
        },
      };
    });
}
