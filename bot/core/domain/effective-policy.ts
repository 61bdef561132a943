/**
 * Which rules apply to a request: the role's entry in policy.yaml (or the defaults), made
 * stricter by the role's own Entra PIM policy, and for a multi-role request the strictest of
 * all its roles. Every function here only ever tightens; none loosens a rule it was given.
 */
import {
  type ApprovalRule,
  DEFAULT_MFA_RULE,
  type MfaRule,
  type PimRules,
  type Policy,
  type RoleOverride,
  type RolePolicy,
} from './policy.ts';
import type { PrincipalRef } from './principal.ts';
import type { Target } from './target.ts';

/** The merged policy.yaml entry for a role (names compared case-insensitively), or the defaults. */
export function rolePolicy(policy: Policy, roleName: string): RolePolicy {
  return entryPolicy(policy.roles, roleName) ?? policy.defaults;
}

/**
 * The policy.yaml entry for a target from the section for its kind (`roles:`, `groups:`,
 * `azureRoles:`), or the defaults.
 */
export function targetPolicy(policy: Policy, target: Pick<Target, 'kind' | 'name'>): RolePolicy {
  const section =
    target.kind === 'group'
      ? policy.groups
      : target.kind === 'azure_role'
        ? policy.azureRoles
        : policy.roles;
  return (section && entryPolicy(section, target.name)) ?? policy.defaults;
}

function entryPolicy(
  section: ReadonlyMap<string, RoleOverride>,
  name: string,
): RolePolicy | undefined {
  const exact = section.get(name);
  if (exact) return exact.policy;
  const wanted = name.toLowerCase();
  for (const [key, entry] of section) if (key.toLowerCase() === wanted) return entry.policy;
  return undefined;
}

/**
 * The stricter of policy.yaml and PIM: the shorter maximum; justification, ticket, MFA and
 * approval required if either requires them. Approvers always come from policy.yaml: when PIM
 * requires approval and policy.yaml names nobody, the list stays empty and submit refuses with
 * `policy.no_approvers`. Minimum and default duration are capped at the new maximum so that
 * a request with no duration stays possible.
 */
export function effectivePolicy(local: RolePolicy, pim: PimRules): RolePolicy {
  const maxDuration =
    pim.maxDuration === undefined
      ? local.maxDuration
      : Math.min(local.maxDuration, pim.maxDuration);
  return {
    ...local,
    maxDuration,
    minDuration: Math.min(local.minDuration, maxDuration),
    defaultDuration: Math.min(local.defaultDuration, maxDuration),
    // In delegated mode PIM's approval is PIM's own (its approvers decide the self-activation);
    // in app mode the bot's admin assignment would bypass it, so chat approval stands in.
    approval: {
      ...local.approval,
      required: local.approval.required || (pim.approvalRequired && local.mode !== 'delegated'),
    },
    justification: {
      ...local.justification,
      required: local.justification.required || pim.justificationRequired,
    },
    ticket: { ...local.ticket, required: local.ticket.required || pim.ticketRequired },
    mfaRequired: local.mfaRequired || pim.mfaRequired,
    // PIM's authentication context is asked for (and checked in `acrs`) on top of policy.yaml's.
    ...(pim.authenticationContext
      ? {
          mfa: {
            ...mfaRule(local),
            contexts: [...new Set([...mfaRule(local).contexts, pim.authenticationContext])],
          },
        }
      : {}),
  };
}

/** The setting that makes a role ask for MFA, named as the person who can change it knows it. */
export type MfaSource = 'mfa.required' | 'approval.stepUp' | 'pim';

/**
 * Which setting, if any, asks the requester for an MFA sign-in before the role is activated:
 * policy.yaml `mfa.required`, or PIM's own MFA or authentication-context rule.
 * (`approval.stepUp` asks the approvers, not the requester: see approverStepUp.)
 */
export function mfaDemand(local: RolePolicy, pim: PimRules): MfaSource | null {
  if (local.mfaRequired) return 'mfa.required';
  return pim.mfaRequired ? 'pim' : null;
}

/** The MFA checks of a role, defaults filled in. */
export const mfaRule = (p: RolePolicy): MfaRule => p.mfa ?? DEFAULT_MFA_RULE;

/** The strictest of several MFA rules: the shortest ages and waits, every context. */
export function combineMfaRules(rules: readonly MfaRule[]): MfaRule {
  if (rules.length === 0) return DEFAULT_MFA_RULE;
  return {
    maxAge: Math.min(...rules.map((r) => r.maxAge)),
    timeout: Math.min(...rules.map((r) => r.timeout)),
    contexts: [...new Set(rules.flatMap((r) => r.contexts))],
  };
}

/**
 * The strictest of several roles' policies, for one request that activates them together.
 *
 * - durations: the smallest maximum, the largest minimum; the default is the smallest default
 *   kept inside those bounds (the maximum wins if the bounds cross; submit then still checks
 *   every role on its own and refuses with the role that cannot be met).
 * - approval: required if any role requires it. Approvers (and `escalateTo`) are the people
 *   and groups listed for *every role that requires approval*, compared as written (policy.yaml
 *   lowercases them): whoever approves must be allowed to approve each of those roles. A role
 *   that needs no approval adds no constraint. Quorum is the largest, timeout and stepUp the
 *   shortest, over the same roles.
 * - justification, ticket, MFA: required if any requires; the longest minimum length.
 * - ticket pattern: a ticket must match every role's pattern. Distinct patterns are joined
 *   into one expression of lookaheads, `^(?=[\s\S]*?(?:p1))(?=[\s\S]*?(?:p2))`, which accepts
 *   exactly what `new RegExp(p1).test(t) && new RegExp(p2).test(t)` accepts. (Numbered
 *   backreferences inside a pattern would be renumbered by the join; ticket patterns have
 *   no use for them.)
 * - reminderBefore and propagation: the longest. mode: `delegated` if any role is delegated.
 */
export function combinePolicies(policies: readonly RolePolicy[]): RolePolicy {
  const [first, ...rest] = policies;
  if (!first) throw new Error('combinePolicies needs at least one policy');
  if (rest.length === 0) return first;

  const maxDuration = Math.min(...policies.map((p) => p.maxDuration));
  const minDuration = Math.max(...policies.map((p) => p.minDuration));
  const shortestDefault = Math.min(...policies.map((p) => p.defaultDuration));
  const propagations = defined(policies.map((p) => p.propagation));
  const pattern = combinePatterns(policies.map((p) => p.ticket.pattern));

  return {
    maxDuration,
    minDuration,
    defaultDuration: Math.min(Math.max(shortestDefault, minDuration), maxDuration),
    approval: combineApproval(policies.map((p) => p.approval)),
    justification: {
      required: policies.some((p) => p.justification.required),
      minLength: Math.max(...policies.map((p) => p.justification.minLength)),
    },
    ticket: {
      required: policies.some((p) => p.ticket.required),
      ...(pattern === undefined ? {} : { pattern }),
    },
    reminderBefore: Math.max(...policies.map((p) => p.reminderBefore)),
    ...(propagations.length === 0 ? {} : { propagation: Math.max(...propagations) }),
    mfaRequired: policies.some((p) => p.mfaRequired),
    mfa: combineMfaRules(policies.map(mfaRule)),
    mode: policies.some((p) => p.mode === 'delegated') ? 'delegated' : 'app',
  };
}

function combineApproval(rules: readonly ApprovalRule[]): ApprovalRule {
  const requiring = rules.filter((r) => r.required);
  const counted = requiring.length > 0 ? requiring : rules;
  const stepUps = defined(counted.map((r) => r.stepUp));
  return {
    required: requiring.length > 0,
    approvers: intersect(counted.map((r) => r.approvers)),
    quorum: Math.max(...counted.map((r) => r.quorum)),
    timeout: Math.min(...counted.map((r) => r.timeout)),
    escalateTo: intersect(counted.map((r) => r.escalateTo)),
    ...(stepUps.length === 0 ? {} : { stepUp: Math.min(...stepUps) }),
  };
}

/** Entries present in every list, in the order of the first. */
function intersect(lists: readonly (readonly PrincipalRef[])[]): PrincipalRef[] {
  const [first = [], ...rest] = lists;
  return first.filter(
    (ref, i) => first.indexOf(ref) === i && rest.every((list) => list.includes(ref)),
  );
}

function combinePatterns(patterns: readonly (string | undefined)[]): string | undefined {
  const distinct = [...new Set(defined(patterns))];
  if (distinct.length <= 1) return distinct[0];
  return `^${distinct.map((p) => `(?=[\\s\\S]*?(?:${p}))`).join('')}`;
}

function defined<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((v): v is T => v !== undefined);
}

/**
 * The local policy that covers a whole request (every target's, combined), as the chat
 * surfaces show it: limits on the card, propagation in the outcome. One place, so Slack, Teams
 * and the console cannot disagree.
 */
export function requestPolicy(
  policy: Policy,
  request: { readonly targets: readonly Pick<Target, 'kind' | 'name'>[] },
): RolePolicy {
  return combinePolicies(request.targets.map((t) => targetPolicy(policy, t)));
}
