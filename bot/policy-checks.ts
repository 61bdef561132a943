/**
 * The rules of policy.yaml that span fields, checked for the defaults and for every role after
 * merging: minDuration ≤ defaultDuration ≤ maxDuration, reminderBefore < maxDuration,
 * approval required only with approvers, a quorum the listed people can reach, and names
 * (role names and aliases) that point at one role each. A role is only blamed for a conflict
 * it takes part in; one it merely inherits is reported once, under defaults.
 */
import { formatDuration } from './core/domain/duration.ts';
import type { RolePolicy } from './core/domain/policy.ts';
import { isGroupRef } from './core/domain/principal.ts';
import type { RoleEntryPatch, RolePatch } from './policy-schema.ts';

/** A problem with the field at `path`, before it is given a line and column. */
export interface PolicyIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Point at the key rather than its value (a duplicate or unknown name). */
  readonly atKey?: boolean;
}

export interface CheckScope {
  readonly path: readonly PropertyKey[];
  /** What this scope's own entry sets. */
  readonly patch: RolePatch;
  /** For a role: the file's defaults, to tell "from defaults" from "built-in default". */
  readonly defaultsPatch?: RolePatch;
}

type DurationField = 'minDuration' | 'defaultDuration' | 'maxDuration' | 'reminderBefore';

export function checkRolePolicy(policy: RolePolicy, scope: CheckScope): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const isRole = scope.defaultsPatch !== undefined;
  const origin = (field: DurationField): string => {
    if (scope.patch[field] !== undefined) return '';
    return scope.defaultsPatch?.[field] !== undefined ? ' (from defaults)' : ' (built-in default)';
  };
  /** `lower` must be below `upper` (or equal, unless `strictly`); reported where this scope sets one. */
  const order = (
    lower: DurationField,
    upper: DurationField,
    strictly: boolean,
    fix: string,
  ): boolean => {
    const [low, high] = [policy[lower], policy[upper]];
    if (strictly ? low < high : low <= high) return true;
    const setsLower = scope.patch[lower] !== undefined;
    if (isRole && !setsLower && scope.patch[upper] === undefined) return false; // reported for defaults
    const relation = strictly && low === high ? 'as long as' : 'longer than';
    issues.push({
      path: [...scope.path, setsLower ? lower : upper],
      message: `${lower} ${formatDuration(low)}${origin(lower)} is ${relation} ${upper} ${formatDuration(high)}${origin(upper)}; ${fix}`,
    });
    return false;
  };
  const reminderHint = Math.min(600, Math.max(60, Math.floor(policy.maxDuration / 120) * 60));
  const range = `from ${formatDuration(policy.minDuration)} to ${formatDuration(policy.maxDuration)}`;
  if (
    order(
      'minDuration',
      'maxDuration',
      false,
      `write a minDuration of at most ${formatDuration(policy.maxDuration)}, or a longer maxDuration`,
    )
  ) {
    order('minDuration', 'defaultDuration', false, `write a defaultDuration ${range}`);
    order('defaultDuration', 'maxDuration', false, `write a defaultDuration ${range}`);
  }
  order(
    'reminderBefore',
    'maxDuration',
    true,
    `the reminder must come after the grant starts; write a reminderBefore shorter than ${formatDuration(policy.maxDuration)}, e.g. ${formatDuration(reminderHint)}`,
  );

  const patch = scope.patch.approval ?? {};
  const { required, approvers, quorum } = policy.approval;
  const setsApprovers = patch.approvers !== undefined || patch.required !== undefined;
  if (required && approvers.length === 0 && (!isRole || setsApprovers)) {
    const field =
      patch.approvers !== undefined
        ? ['approval', 'approvers']
        : patch.required !== undefined
          ? ['approval', 'required']
          : ['approval'];
    issues.push({
      path: [...scope.path, ...(scope.patch.approval === undefined && !isRole ? [] : field)],
      message: `approval is required${isRole ? '' : ' by default'} but no approvers are listed; add approval: { approvers: [secops@contoso.com, group:<object id>] }, or approval: { required: false } to activate without approval`,
    });
  }
  const individuals = approvers.length > 0 && !approvers.some(isGroupRef);
  if (
    individuals &&
    quorum > approvers.length &&
    (!isRole || patch.quorum !== undefined || patch.approvers !== undefined)
  ) {
    issues.push({
      path: [
        ...scope.path,
        'approval',
        patch.quorum !== undefined || patch.approvers === undefined ? 'quorum' : 'approvers',
      ],
      message: `quorum ${quorum} needs ${quorum} different approvers but only ${approvers.length} ${approvers.length === 1 ? 'is' : 'are'} listed; list more approvers or a group:<object id>, or write quorum: ${approvers.length}`,
    });
  }
  issues.push(...checkOnCall(policy, scope));
  return issues;
}

/** An on-call rule must name a rotation; one it inherits is checked where it is written. */
function checkOnCall(policy: RolePolicy, scope: CheckScope): PolicyIssue[] {
  const onCall = policy.approval.autoApprove?.onCall;
  const written = scope.patch.approval?.autoApprove?.onCall;
  if (!onCall || !written || onCall.sources.length > 0) return [];
  return [
    {
      path: [...scope.path, 'approval', 'autoApprove', 'onCall'],
      message:
        'on-call auto-approval names no schedule; add pagerduty: { schedules: [PABC123] }, pagerduty: { escalationPolicies: [PDEF456] } or opsgenie: { schedules: [<schedule id>] }',
    },
  ];
}

/** Role names ignore case, so two spellings of one name are one role listed twice. */
export function checkRoleNames(
  roles: Readonly<Record<string, RoleEntryPatch>>,
  section: 'roles' | 'groups' | 'azureRoles' = 'roles',
): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const names = new Map<string, string>();
  const aliasOwners = new Map<string, string>();
  for (const name of Object.keys(roles)) {
    const same = names.get(name.toLowerCase());
    if (same === undefined) names.set(name.toLowerCase(), name);
    else {
      issues.push({
        path: [section, name],
        atKey: true,
        message: `this role is already listed as ${JSON.stringify(same)} (role names ignore case); merge the two entries into one`,
      });
    }
  }
  for (const [name, { aliases = [] }] of Object.entries(roles)) {
    aliases.forEach((alias, i) => {
      const key = alias.toLowerCase();
      const owner = aliasOwners.get(key) ?? names.get(key);
      const path = [section, name, 'aliases', i];
      if (owner !== undefined && owner.toLowerCase() !== name.toLowerCase()) {
        issues.push({
          path,
          message: `alias ${JSON.stringify(alias)} already names ${JSON.stringify(owner)}; each alias must name one role, so pick another`,
        });
      } else if (aliases.findIndex((a) => a.toLowerCase() === key) !== i) {
        issues.push({
          path,
          message: `alias ${JSON.stringify(alias)} is listed twice; list it once`,
        });
      }
      aliasOwners.set(key, name);
    });
  }
  return issues;
}
