/**
 * Entra PIM through Graph: directory roles (role definitions, eligibility direct and through
 * groups, PIM's own rules, active assignments, grants in grants.ts) and PIM for Groups
 * (group-reads.ts, group-grants.ts), each target sent to the part for its kind. Reads that
 * Graph refuses throw GraphRefusedError with the catalogue message; outages throw
 * GraphUnavailableError for the job to retry. Azure roles are ARM's (adapters/arm).
 */
import type { PimRules } from '../../bot/core/domain/policy.ts';
import {
  covers,
  type RoleEntry,
  type Target,
  type TargetKind,
  targetLabel,
} from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type {
  ActiveAssignment,
  Eligibility,
  EligiblePrincipal,
  GrantRequest,
  NamedTarget,
  PrivilegeProvider,
} from '../../bot/core/ports/privilege-provider.ts';
import { err, type Result } from '../../bot/core/result.ts';
import { liveInstances } from './assignments.ts';
import { EligibilityRemoval } from './eligibility-removal.ts';
import { eligibleForGroup, eligibleForRole, groupsNamed } from './eligible-for.ts';
import { GraphRefusedError } from './errors.ts';
import { PimGrants } from './grants.ts';
import {
  current,
  endOf,
  ROLE_MANAGEMENT,
  type RoleDefinition,
  type ScheduleInstance,
} from './graph-types.ts';
import { GroupEligibility } from './group-eligibility.ts';
import { GroupGrants } from './group-grants.ts';
import {
  groupAssignmentOf,
  groupEligibilities,
  groupRules,
  liveGroupInstances,
  standingGroupAssignments,
} from './group-reads.ts';
import { type GraphReader, literal, together } from './reader.ts';
import {
  assignmentOf,
  type RoleMember,
  roleMembers,
  standingAssignments,
  targetOf,
} from './role-holders.ts';
import { type PolicyRule, pimRules } from './rules.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * How long an eligibility read stands for the check at granting: the activation that follows
 * an approval's or activation's own re-check (bot/core/usecases/recheck.ts) by milliseconds
 * does not ask PIM the same question again. Only an answer that covers the target is reused.
 */
const REUSE_MS = 2_000;
/** People whose last read is kept; beyond this, the oldest is dropped. */
const REUSE_ENTRIES = 1_000;

const unsupported = (target: Target) =>
  err(appError('graph.unsupported_target', { kind: target.kind }));

export interface GraphPrivilegesOptions {
  readonly now?: () => number;
  /** Role definitions change rarely: an hour by default. */
  readonly rolesTtlMs?: number;
  readonly rulesTtlMs?: number;
  /** The eligibilities held by groups, shared by everybody's lookups. */
  readonly groupEligibilityTtlMs?: number;
  readonly log?: Logger;
}

export class GraphPrivileges implements PrivilegeProvider {
  readonly #reader: GraphReader;
  readonly #now: () => number;
  readonly #roles: TtlCache<RoleEntry[]>;
  readonly #rules: TtlCache<PimRules>;
  readonly #groups: GroupEligibility;
  readonly #grants: PimGrants;
  readonly #groupGrants: GroupGrants;
  readonly #removal: EligibilityRemoval;
  readonly #log: Logger | undefined;
  /**
   * Each person's last eligibilities read, and when the read began (REUSE_MS). A read of some
   * kinds only holds just those: it answers for a target it covers, any other is read again.
   */
  readonly #lastRead = new Map<
    string,
    { readonly at: number; readonly held: readonly Eligibility[] }
  >();

  constructor(reader: GraphReader, options: GraphPrivilegesOptions = {}) {
    this.#reader = reader;
    const now = options.now ?? Date.now;
    this.#now = now;
    this.#roles = new TtlCache(options.rolesTtlMs ?? 3_600_000, { now, staleOnError: true });
    this.#rules = new TtlCache(options.rulesTtlMs ?? 5 * 60_000, { now });
    this.#groups = new GroupEligibility(reader, now, options.groupEligibilityTtlMs ?? 60_000);
    this.#grants = new PimGrants(reader, now, options.log);
    this.#groupGrants = new GroupGrants(reader, now, options.log);
    this.#removal = new EligibilityRemoval(reader, now, options.log);
    this.#log = options.log;
  }

  /** Every directory role, disabled ones too: a name should resolve, PIM says why not. */
  listRoles(): Promise<readonly RoleEntry[]> {
    return this.#roles.get('roles', async () => {
      const all = await this.#reader.list<RoleDefinition>(
        `${ROLE_MANAGEMENT}/roleDefinitions`,
        'roles',
        { select: 'id,displayName,isEnabled' },
      );
      return all.map((r) => ({
        kind: 'directory_role',
        id: r.id,
        name: r.displayName,
        aliases: [],
      }));
    });
  }

  /**
   * Directory roles and group membership or ownership the person may activate; with `kinds`,
   * only those are read (a request for directory roles does not ask for groups).
   */
  async eligibilities(
    principalId: string,
    kinds?: readonly TargetKind[],
  ): Promise<readonly Eligibility[]> {
    const at = this.#now();
    const wants = (kind: TargetKind) => kinds === undefined || kinds.includes(kind);
    const [roles, groups] = await together([
      wants('directory_role') ? this.#roleEligibilities(principalId) : Promise.resolve([]),
      wants('group')
        ? this.#unlessGroupsRefused(
            () => groupEligibilities(this.#reader, principalId, this.#now()),
            'eligibility',
          )
        : Promise.resolve([]),
    ]);
    const held = [...roles, ...groups];
    this.#lastRead.delete(principalId);
    this.#lastRead.set(principalId, { at, held });
    if (this.#lastRead.size > REUSE_ENTRIES) {
      const [oldest] = this.#lastRead.keys();
      if (oldest !== undefined) this.#lastRead.delete(oldest);
    }
    return held;
  }

  async #roleEligibilities(principalId: string): Promise<readonly Eligibility[]> {
    const [direct, viaGroups, roles] = await together([
      this.#reader.list<ScheduleInstance>(
        `${ROLE_MANAGEMENT}/roleEligibilityScheduleInstances`,
        'eligibility',
        { filter: `principalId eq ${literal(principalId)}` },
      ),
      this.#groups.of(principalId),
      this.listRoles(),
    ]);
    const now = this.#now();
    // One entry per role and scope, lasting as long as the longest way it is held.
    const byTarget = new Map<string, Eligibility>();
    for (const i of [...direct, ...viaGroups].filter((x) => current(x, now))) {
      const key = `${i.roleDefinitionId}|${i.directoryScopeId}`;
      const endsAt = endOf(i);
      const seen = byTarget.get(key);
      if (seen && (seen.endsAt === null || (endsAt !== null && endsAt <= seen.endsAt))) continue;
      byTarget.set(key, { target: targetOf(i, roles), endsAt });
    }
    return [...byTarget.values()];
  }

  async eligibleFor(target: Target): Promise<readonly EligiblePrincipal[]> {
    return target.kind === 'group'
      ? eligibleForGroup(this.#reader, target, this.#now())
      : eligibleForRole(this.#reader, target, this.#now());
  }

  groupsNamed(name: string): Promise<readonly NamedTarget[]> {
    return groupsNamed(this.#reader, name);
  }

  /**
   * PIM's rules for activating the target: directory role policies are tenant-wide (`/`),
   * a group has one for membership and one for ownership.
   */
  async rules(target: Target): Promise<PimRules> {
    if (target.kind === 'group')
      return this.#rules.get(`group:${target.id}:${target.access ?? 'member'}`, () =>
        groupRules(this.#reader, target),
      );
    if (target.kind !== 'directory_role')
      throw new GraphRefusedError(appError('graph.unsupported_target', { kind: target.kind }));
    return this.#rules.get(target.id, async () => {
      const found = await this.#reader.list<{ policy?: { rules?: PolicyRule[] } | null }>(
        '/policies/roleManagementPolicyAssignments',
        'policy',
        {
          filter: `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${literal(target.id)}`,
          expand: 'policy($expand=rules)',
        },
      );
      return pimRules(found[0]?.policy?.rules ?? []);
    });
  }

  /**
   * PIM's adminAssign does not ask whether the person is eligible, so the bot does, at the
   * moment of granting: an eligibility removed or ended since the request was made (a
   * scheduled start, a slow approval) grants nothing. A read of the person's eligibilities
   * made less than REUSE_MS ago that covers the target answers it.
   */
  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const { kind } = grant.target;
    if (kind !== 'directory_role' && kind !== 'group') return unsupported(grant.target);
    const refused = await this.#notEligible(grant.principalId, grant.target);
    if (refused) return err(refused);
    return kind === 'group' ? this.#groupGrants.activate(grant) : this.#grants.activate(grant);
  }

  /** Why `target` may not be granted now; a read Graph refuses is the grant's refusal too. */
  async #notEligible(principalId: string, target: Target): Promise<AppError | null> {
    const recent = this.#lastRead.get(principalId);
    if (
      recent &&
      Math.abs(this.#now() - recent.at) <= REUSE_MS &&
      recent.held.some((e) => covers(e.target, target))
    )
      return null;
    let held: readonly Eligibility[];
    try {
      held =
        target.kind === 'group'
          ? await groupEligibilities(this.#reader, principalId, this.#now())
          : await this.#roleEligibilities(principalId);
    } catch (error) {
      if (error instanceof GraphRefusedError) return error.appError;
      throw error;
    }
    const covered = held.some((e) => covers(e.target, target));
    return covered
      ? null
      : appError('policy.not_eligible', { role: targetLabel(target), scope: target.scope });
  }

  extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    if (grant.target.kind === 'group') return this.#groupGrants.extend(grant, endsAt);
    return this.#grants.extend(grant, endsAt);
  }

  deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    if (target.kind === 'group')
      return this.#groupGrants.deactivate(principalId, target, requestId);
    return this.#grants.deactivate(principalId, target, requestId);
  }

  /** Ends a directory role or group eligibility (eligibility-removal.ts); Azure roles are ARM's. */
  async endEligibility(
    principalId: string,
    target: Target,
    justification: string,
  ): Promise<Result<void, AppError>> {
    if (target.kind !== 'directory_role' && target.kind !== 'group') return unsupported(target);
    return this.#removal.end(principalId, target, justification);
  }

  /** Directory roles and group membership or ownership the person holds now. */
  async activeAssignments(principalId: string): Promise<readonly ActiveAssignment[]> {
    const now = this.#now();
    const [live, roles, groups] = await together([
      liveInstances(this.#reader, principalId, now),
      this.listRoles(),
      this.#unlessGroupsRefused(
        () => liveGroupInstances(this.#reader, `principalId eq ${literal(principalId)}`, now),
        'assignments',
      ),
    ]);
    return [...live.map((i) => assignmentOf(i, roles)), ...groups.map(groupAssignmentOf)];
  }

  /**
   * Role holders PIM does not time-box, for the "assigned outside PIM" alert; with
   * `groupIds`, also the standing members and owners of those groups (Graph lists group
   * assignments only group by group).
   */
  async standingAssignments(
    groupIds: readonly string[] = [],
  ): Promise<readonly ActiveAssignment[]> {
    const [roles, groups] = await together([
      this.listRoles().then((all) => standingAssignments(this.#reader, all, this.#now())),
      standingGroupAssignments(this.#reader, groupIds, this.#now()),
    ]);
    return [...roles, ...groups];
  }

  /**
   * A PIM for Groups read whose permission was not consented leaves groups out rather than
   * failing directory roles too (a deployment that has not consented the group permissions
   * yet); activating a group still says which permission is missing.
   */
  async #unlessGroupsRefused<T>(read: () => Promise<T[]>, what: string): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      if (
        !(error instanceof GraphRefusedError) ||
        error.appError.code !== 'graph.permission_missing'
      )
        throw error;
      this.#log?.warn({ read: what, detail: error.message }, 'PIM for Groups left out');
      return [];
    }
  }

  /** Everyone holding a built-in directory role now (the too-many-admins alert). */
  roleMembers(roleDefinitionId: string): Promise<readonly RoleMember[]> {
    return roleMembers(this.#reader, roleDefinitionId);
  }
}
