import type { PimRules } from '../../bot/core/domain/policy.ts';
import {
  covers,
  type RoleEntry,
  sameTarget,
  scopeCovers,
  type Target,
  targetLabel,
} from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type {
  ActiveAssignment,
  Eligibility,
  EligiblePrincipal,
  GrantRequest,
  NamedTarget,
  PrivilegeProvider,
} from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';

/** Whether an eligibility for `held` shows when PIM lists who is eligible for `asked`. */
function holdsFor(held: Target, asked: Target): boolean {
  if (held.kind !== asked.kind || held.id.toLowerCase() !== asked.id.toLowerCase()) return false;
  if (asked.kind === 'group') return (held.access ?? 'member') === (asked.access ?? 'member');
  if (asked.kind === 'azure_role') return scopeCovers(held.scope, asked.scope);
  return true;
}

const NO_RULES: PimRules = {
  justificationRequired: false,
  ticketRequired: false,
  approvalRequired: false,
  mfaRequired: false,
};

/**
 * Where PIM keeps a target's rules: per directory role, per group and access, per Azure role
 * definition (scoped to its subscription already).
 */
const rulesKey = (t: Target): string =>
  t.kind === 'directory_role'
    ? t.id
    : t.kind === 'group'
      ? `group:${t.id}:${t.access ?? 'member'}`
      : `azure:${t.id.toLowerCase()}`;

/** ARM refuses to remove an Azure role within this long of its activation. */
const AZURE_MIN_ACTIVE_MS = 5 * 60_000;

interface Assignment extends ActiveAssignment {
  readonly requestId: string | null;
}

/** A group an eligibility is held through (its members are eligible because it is). */
export interface HeldThrough {
  readonly id: string;
  readonly name: string;
}

interface Held extends Eligibility {
  readonly through?: HeldThrough;
}

/** An Azure role definition, with the id ARM gives it at a scope. */
interface AzureRole {
  readonly name: string;
  readonly idAt: (scope: string) => string;
}

/**
 * PIM in memory: eligibilities, rules and assignments that end by time. Counts every grant
 * and eligibility removal call so tests can assert "exactly one activation".
 */
export class MemoryPrivileges implements PrivilegeProvider {
  readonly #roles: readonly RoleEntry[];
  readonly #eligible = new Map<string, Held[]>();
  readonly #rules = new Map<string, PimRules>();
  #assignments: Assignment[] = [];
  readonly #scopes: { readonly scope: string; readonly name: string }[] = [];
  readonly #groups: NamedTarget[] = [];
  readonly #azureRoles: AzureRole[] = [];
  readonly #failures: AppError[] = [];
  readonly #endFailures: AppError[] = [];
  readonly #now: () => number;
  activateCalls = 0;
  deactivateCalls = 0;
  endEligibilityCalls = 0;

  constructor(roles: readonly RoleEntry[], now: () => number) {
    this.#roles = roles;
    this.#now = now;
  }

  /** `through`: held because the person is in that group (the group's eligibility, not theirs). */
  makeEligible(
    principalId: string,
    target: Target,
    endsAt: number | null = null,
    through?: HeldThrough,
  ): void {
    this.#eligible.set(principalId, [
      ...(this.#eligible.get(principalId) ?? []),
      { target, endsAt, ...(through ? { through } : {}) },
    ]);
  }

  /** A group in the directory, for groupsNamed. */
  addGroup(id: string, name: string): void {
    this.#groups.push({ id, name });
  }

  /** An Azure role definition, for azureRolesNamed; `idAt` gives its id at a scope. */
  addAzureRole(name: string, idAt: (scope: string) => string): void {
    this.#azureRoles.push({ name, idAt });
  }

  /** Every eligibility `principalId` holds for the role is removed (as an admin does in PIM). */
  removeEligibility(principalId: string, roleId: string): void {
    const held = this.#eligible.get(principalId) ?? [];
    this.#eligible.set(
      principalId,
      held.filter((e) => e.target.id !== roleId),
    );
  }

  /** PIM's rules for a target, or for a directory role by its id. */
  setRules(target: string | Target, rules: Partial<PimRules>): void {
    const key = typeof target === 'string' ? target : rulesKey(target);
    this.#rules.set(key, { ...NO_RULES, ...rules });
  }

  /** The next activate call fails with this error (as PIM would refuse it). */
  failNextActivation(error: AppError): void {
    this.#failures.push(error);
  }

  /** The next endEligibility call fails with this error. */
  failNextEndEligibility(error: AppError): void {
    this.#endFailures.push(error);
  }

  async listRoles(): Promise<readonly RoleEntry[]> {
    return this.#roles;
  }

  async eligibilities(principalId: string): Promise<readonly Eligibility[]> {
    return this.#held(principalId).map(({ target, endsAt }) => ({ target, endsAt }));
  }

  /**
   * As PIM: the principal's own eligibility for exactly this target and scope ends; a group's
   * ends for every member holding it through the group. What the person still holds through a
   * group is refused, naming the group.
   */
  async endEligibility(
    principalId: string,
    target: Target,
    _justification: string,
  ): Promise<Result<void, AppError>> {
    this.endEligibilityCalls += 1;
    const failure = this.#endFailures.shift();
    if (failure) return err(failure);
    for (const [id, held] of this.#eligible) {
      const ends = (e: Held) =>
        sameTarget(e.target, target) &&
        (id === principalId ? e.through === undefined : e.through?.id === principalId);
      this.#eligible.set(
        id,
        held.filter((e) => !ends(e)),
      );
    }
    const groups = this.#held(principalId).flatMap((e) =>
      sameTarget(e.target, target) && e.through ? [e.through.name] : [],
    );
    if (groups.length === 0) return ok(undefined);
    return err(
      appError('eligibility.held_through_group', {
        role: targetLabel(target),
        groups: [...new Set(groups)],
      }),
    );
  }

  #held(principalId: string): Held[] {
    const now = this.#now();
    return (this.#eligible.get(principalId) ?? []).filter(
      (e) => e.endsAt === null || e.endsAt > now,
    );
  }

  /**
   * As PIM lists them: a directory role at every scope, a group with the target's access, an
   * Azure role at the target's scope or above it; an eligibility held by a group as the group.
   */
  async eligibleFor(target: Target): Promise<readonly EligiblePrincipal[]> {
    const now = this.#now();
    const found = new Map<string, EligiblePrincipal>();
    for (const [principalId, held] of this.#eligible)
      for (const e of held) {
        if (!holdsFor(e.target, target) || (e.endsAt !== null && e.endsAt <= now)) continue;
        const holder = e.through?.id ?? principalId;
        found.set(`${holder}|${e.target.scope}`, {
          principalId: holder,
          type: e.through ? 'group' : 'user',
          scope: e.target.scope,
          ...(target.kind === 'azure_role' && e.target.scopeName
            ? { scopeName: e.target.scopeName }
            : {}),
          endsAt: e.endsAt,
        });
      }
    return [...found.values()];
  }

  async groupsNamed(name: string): Promise<readonly NamedTarget[]> {
    const wanted = name.trim().toLowerCase();
    return this.#groups.filter((g) => g.id === name || g.name.toLowerCase() === wanted);
  }

  async azureRolesNamed(name: string, scope: string): Promise<readonly NamedTarget[]> {
    const wanted = name.trim().toLowerCase();
    return this.#azureRoles
      .filter((r) => r.name.toLowerCase() === wanted)
      .map((r) => ({ id: r.idAt(scope), name: r.name }));
  }

  async rules(target: Target): Promise<PimRules> {
    return this.#rules.get(rulesKey(target)) ?? NO_RULES;
  }

  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    this.activateCalls += 1;
    const failure = this.#failures.shift();
    if (failure) return err(failure);
    const eligible = (await this.eligibilities(grant.principalId)).some((e) =>
      covers(e.target, grant.target),
    );
    if (!eligible)
      return err(
        appError('policy.not_eligible', { role: grant.target.name, scope: grant.target.scope }),
      );
    const existing = this.#live(grant.principalId, grant.target);
    if (existing) {
      // As PIM: an assignment this request made already is success, anybody else's a refusal.
      if (existing.requestId === grant.requestId && existing.endsAt !== null)
        return ok({ endsAt: existing.endsAt });
      return err(
        appError('graph.already_active', { role: grant.target.name, until: existing.endsAt }),
      );
    }
    const endsAt = grant.startAt + grant.durationSeconds * 1000;
    this.#assignments.push({
      principalId: grant.principalId,
      target: grant.target,
      startAt: grant.startAt,
      endsAt,
      viaSchedule: true,
      requestId: grant.requestId,
    });
    return ok({ endsAt });
  }

  async extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const live = this.#live(grant.principalId, grant.target);
    if (!live || live.requestId !== grant.requestId) {
      return err(appError('grant.not_active', { role: grant.target.name }));
    }
    this.#assignments = this.#assignments.map((a) => (a === live ? { ...a, endsAt } : a));
    return ok({ endsAt });
  }

  /**
   * As the Graph adapter: removes the time-bound assignment this request made, or one no
   * request of this id ever made (records lost); leaves standing assignments and another
   * request's grant alone.
   */
  async deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    this.deactivateCalls += 1;
    const live = this.#live(principalId, target);
    if (!live?.viaSchedule) return ok(undefined);
    const made = this.#assignments.some(
      (a) =>
        a.requestId === requestId && a.principalId === principalId && sameTarget(a.target, target),
    );
    if (made && live.requestId !== requestId) return ok(undefined);
    // As ARM: an Azure role stays at least 5 minutes after its activation.
    const retryAt = live.startAt + AZURE_MIN_ACTIVE_MS;
    if (target.kind === 'azure_role' && this.#now() < retryAt)
      return err({
        ...appError('arm.too_soon_to_remove', { role: targetLabel(target), retryAt }),
        retryAt,
      });
    this.#assignments = this.#assignments.filter((a) => a !== live);
    return ok(undefined);
  }

  async activeAssignments(principalId: string): Promise<readonly ActiveAssignment[]> {
    const now = this.#now();
    return this.#assignments
      .filter((a) => a.principalId === principalId && (a.endsAt === null || a.endsAt > now))
      .map(({ requestId: _made, ...a }) => a);
  }

  /** An Azure scope (resource group, resource) findScopes can find by its name. */
  addScope(scope: string, name: string): void {
    this.#scopes.push({ scope, name });
  }

  async findScopes(
    name: string,
    under: readonly string[],
  ): Promise<readonly { readonly scope: string; readonly name: string }[]> {
    const wanted = name.trim().toLowerCase();
    return this.#scopes.filter(
      (s) =>
        s.name.toLowerCase() === wanted &&
        under.some((u) => u.toLowerCase() !== s.scope.toLowerCase() && scopeCovers(u, s.scope)),
    );
  }

  /** An assignment made outside PIM, with no end (a portal assignment). */
  addStanding(principalId: string, target: Target): void {
    this.#assignments.push({
      principalId,
      target,
      startAt: 0,
      endsAt: null,
      viaSchedule: false,
      requestId: null,
    });
  }

  #live(principalId: string, target: Target): Assignment | undefined {
    const now = this.#now();
    return this.#assignments.find(
      (a) =>
        a.principalId === principalId &&
        sameTarget(a.target, target) &&
        (a.endsAt === null || a.endsAt > now),
    );
  }
}
