/**
 * The Microsoft.Authorization 2020-10-01 shapes the bot reads (contracts/arm-pim.md), and how
 * an instance becomes the core's Target: role and scope names come from expandedProperties.
 */
import type { Target } from '../../bot/core/domain/target.ts';

interface Expanded {
  readonly scope?: { readonly id?: string; readonly displayName?: string; readonly type?: string };
  readonly roleDefinition?: { readonly id?: string; readonly displayName?: string };
  readonly principal?: { readonly id?: string; readonly displayName?: string };
}

export interface ArmInstance {
  readonly name: string;
  readonly id: string;
  readonly properties: {
    readonly scope: string;
    readonly roleDefinitionId: string;
    readonly principalId: string;
    /** `User` or `Group` (members of a group are eligible through it). */
    readonly principalType?: string;
    readonly startDateTime?: string | null;
    readonly endDateTime?: string | null;
    readonly status?: string;
    /** Assignment instances: Activated (through PIM) or Assigned (standing or admin-assigned). */
    readonly assignmentType?: string;
    readonly memberType?: string;
    readonly roleAssignmentScheduleId?: string;
    readonly roleEligibilityScheduleId?: string;
    readonly expandedProperties?: Expanded;
  };
}

export interface ArmScheduleRequest {
  readonly name: string;
  readonly id: string;
  readonly properties: {
    readonly status?: string;
    /** Set while PIM holds a self-activation for its approvers (a full resource id). */
    readonly approvalId?: string | null;
    readonly requestType?: string;
    readonly roleDefinitionId?: string;
    readonly justification?: string | null;
    readonly targetRoleAssignmentScheduleId?: string | null;
    readonly scheduleInfo?: {
      readonly startDateTime?: string | null;
      readonly expiration?: {
        readonly duration?: string | null;
        readonly endDateTime?: string | null;
      };
    };
  };
}

/** `GET {scope}/providers/Microsoft.Authorization/roleDefinitions` (api-version 2022-04-01). */
export interface ArmRoleDefinition {
  readonly id: string;
  readonly name: string;
  readonly properties: { readonly roleName: string; readonly type?: string };
}

export interface ArmPolicyAssignment {
  readonly properties?: {
    readonly roleDefinitionId?: string;
    readonly effectiveRules?: readonly Record<string, unknown>[];
  };
}

const lastSegment = (scope: string): string => scope.split('/').filter(Boolean).pop() ?? scope;

export function targetOf(i: ArmInstance): Target {
  const p = i.properties;
  const x = p.expandedProperties;
  return {
    kind: 'azure_role',
    id: p.roleDefinitionId,
    name: x?.roleDefinition?.displayName ?? lastSegment(p.roleDefinitionId),
    scope: p.scope,
    scopeName: x?.scope?.displayName ?? lastSegment(p.scope),
  };
}

export const timeOf = (text: string | null | undefined): number | null => {
  if (!text) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
};

/** Started and not ended at `now`. */
export const current = (i: ArmInstance, now: number): boolean => {
  const start = timeOf(i.properties.startDateTime);
  const end = timeOf(i.properties.endDateTime);
  return (start === null || start <= now) && (end === null || end > now);
};

export const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Whether two role definition ids name the same role: ARM writes the one GUID under the
 * subscription it is read from or tenant-wide (`/providers/…` at a management group), and
 * compares ids case-insensitively.
 */
export const sameRoleDefinition = (a: string, b: string): boolean =>
  sameId(lastSegment(a), lastSegment(b));

/** The instance for exactly this role at exactly this scope. */
export const instanceFor = (
  instances: readonly ArmInstance[],
  target: Target,
): ArmInstance | undefined =>
  instances.find(
    (i) =>
      sameId(i.properties.roleDefinitionId, target.id) && sameId(i.properties.scope, target.scope),
  );

/** One entry per instance name: the same instance seen from two configured scopes. */
export function distinct(instances: readonly ArmInstance[]): ArmInstance[] {
  const seen = new Map<string, ArmInstance>();
  for (const i of instances) seen.set(i.id.toLowerCase(), i);
  return [...seen.values()];
}
