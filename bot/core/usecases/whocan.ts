/**
 * `/elevate whocan <target>`: who PIM lists as eligible for a directory role, a PIM group's
 * membership or ownership, or an Azure role at a scope (eligible there or above it), who
 * approves, and the effective policy with the side (policy.yaml or PIM) that makes each rule
 * so. For approvers and auditors only: the list names everyone who can become an administrator.
 */
import type { TargetSpec } from '../commands/command.ts';
import { targetPolicy } from '../domain/effective-policy.ts';
import { type ExplainedPolicy, explainPolicy } from '../domain/policy-sources.ts';
import type { Principal } from '../domain/principal.ts';
import type { Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { overseers } from './history.ts';
import { namedTarget } from './named-target.ts';

/** More than this many eligible principals are counted, not listed. */
const MAX_LISTED = 50;

export interface EligibleRow {
  /** A person's name, or `group <id>` for an eligibility held by a group. */
  readonly name: string;
  readonly email?: string;
  /** Where the eligibility is: the target's scope, or for an Azure role one above it. */
  readonly scope: string;
  /** Azure roles: the scope's display name. */
  readonly scopeName?: string;
  readonly endsAt: number | null;
}

export interface WhocanAnswer {
  readonly target: Target;
  /** Null when the PIM adapter cannot list eligibility by role. */
  readonly eligible: readonly EligibleRow[] | null;
  /** How many there are in all (the list stops at MAX_LISTED). */
  readonly eligibleCount: number;
  readonly explained: ExplainedPolicy;
}

export async function whocan(
  deps: CoreDeps,
  asker: Principal,
  spec: TargetSpec,
): Promise<Result<WhocanAnswer, AppError>> {
  if (!(await deps.directory.isAnyOf(asker.id, overseers(deps.policy()))))
    return err(appError('whocan.not_allowed'));
  const resolved = await namedTarget(deps, spec);
  if (!resolved.ok) return resolved;
  const target = resolved.value;
  const [holders, pim] = await Promise.all([
    deps.privileges.eligibleFor?.(target) ?? Promise.resolve(null),
    deps.privileges.rules(target),
  ]);
  const explained = explainPolicy(targetPolicy(deps.policy(), target), pim);
  if (holders === null) return ok({ target, eligible: null, eligibleCount: 0, explained });
  const rows = await Promise.all(
    holders.slice(0, MAX_LISTED).map(async (h): Promise<EligibleRow> => {
      const person = h.type === 'user' ? await deps.directory.findUser(h.principalId) : null;
      const name =
        person?.displayName ?? `${h.type === 'group' ? 'group' : 'account'} ${h.principalId}`;
      return {
        name,
        ...(person?.email ? { email: person.email } : {}),
        scope: h.scope,
        ...(h.scopeName ? { scopeName: h.scopeName } : {}),
        endsAt: h.endsAt,
      };
    }),
  );
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return ok({ target, eligible: rows, eligibleCount: holders.length, explained });
}
