/**
 * Entra PIM for Azure resource roles through Azure Resource Manager, at the scopes the policy
 * names (`azure.scopes`: management groups and subscriptions): eligibility, PIM's rules per
 * role and scope, active assignments, grants (grants.ts) and who is eligible (eligible-for.ts). It serves `azure_role` targets
 * only; the composite sends directory roles and groups to Graph.
 */
import type { PimRules } from '../../bot/core/domain/policy.ts';
import {
  covers,
  type RoleEntry,
  scopeCovers,
  type Target,
  targetKey,
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
import { type PolicyRule, pimRules } from '../graph/rules.ts';
import { TtlCache } from '../graph/ttl-cache.ts';
import {
  type ArmInstance,
  type ArmPolicyAssignment,
  current,
  sameId,
  targetOf,
  timeOf,
} from './arm-types.ts';
import type { ArmClient } from './client.ts';
import { ArmEligibilityRemoval } from './eligibility-removal.ts';
import { eligibleAtScope, rolesNamed } from './eligible-for.ts';
import { ArmRefusedError } from './errors.ts';
import { ArmGrants, isStanding } from './grants.ts';
import { instancesAt, readOrThrow } from './reads.ts';

export interface AzurePrivilegesOptions {
  readonly now?: () => number;
  /** PIM settings change rarely: five minutes by default. */
  readonly rulesTtlMs?: number;
  readonly log?: Logger;
}

const unsupported = (target: Target) => appError('graph.unsupported_target', { kind: target.kind });

export class AzurePrivileges implements PrivilegeProvider {
  readonly #client: ArmClient;
  readonly #scopes: readonly string[];
  readonly #now: () => number;
  readonly #rules: TtlCache<PimRules>;
  readonly #grants: ArmGrants;
  readonly #removal: ArmEligibilityRemoval;

  /** `scopes`: full ARM ids, `/subscriptions/<id>` or `/providers/Microsoft.Management/managementGroups/<id>`. */
  constructor(client: ArmClient, scopes: readonly string[], options: AzurePrivilegesOptions = {}) {
    this.#client = client;
    this.#scopes = scopes;
    this.#now = options.now ?? Date.now;
    this.#rules = new TtlCache(options.rulesTtlMs ?? 5 * 60_000, { now: this.#now });
    this.#grants = new ArmGrants(client, this.#now, options.log);
    this.#removal = new ArmEligibilityRemoval(client, this.#now, options.log);
  }

  /**
   * Resource groups named `name` inside any of the subscriptions `under` lies in, below one of
   * `under` (`Contributor on rg-payments` with an eligibility on the subscription).
   */
  async findScopes(
    name: string,
    under: readonly string[],
  ): Promise<readonly { readonly scope: string; readonly name: string }[]> {
    const subs = [
      ...new Set(under.flatMap((s) => /^\/subscriptions\/([^/]+)/i.exec(s)?.[1] ?? [])),
    ];
    const wanted = name.trim().toLowerCase();
    const found = await Promise.all(
      subs.map(async (sub) => {
        const groups = readOrThrow(
          await this.#client.list<{ id: string; name: string }>(
            this.#client.resourceGroupsUrl(sub),
          ),
          'eligibility',
          `/subscriptions/${sub}`,
        );
        return groups
          .filter((g) => g.name.toLowerCase() === wanted)
          .map((g) => ({ scope: g.id, name: g.name }));
      }),
    );
    return found
      .flat()
      .filter((f) =>
        under.some((u) => u.toLowerCase() !== f.scope.toLowerCase() && scopeCovers(u, f.scope)),
      );
  }

  /** Azure roles are matched against a person's eligibilities, not a tenant-wide list. */
  async listRoles(): Promise<readonly RoleEntry[]> {
    return [];
  }

  async eligibilities(principalId: string): Promise<readonly Eligibility[]> {
    const all = await instancesAt(
      this.#client,
      this.#scopes,
      'roleEligibilityScheduleInstances',
      principalId,
    );
    const now = this.#now();
    // One entry per role and scope, lasting as long as the longest way it is held.
    const byTarget = new Map<string, Eligibility>();
    for (const i of all.filter((x) => current(x, now))) {
      const target = targetOf(i);
      const endsAt = timeOf(i.properties.endDateTime);
      const seen = byTarget.get(targetKey(target));
      if (seen && (seen.endsAt === null || (endsAt !== null && endsAt <= seen.endsAt))) continue;
      byTarget.set(targetKey(target), { target, endsAt });
    }
    return [...byTarget.values()];
  }

  /** Everybody eligible for the role at the target's scope, or at a scope above it. */
  eligibleFor(target: Target): Promise<readonly EligiblePrincipal[]> {
    return eligibleAtScope(this.#client, target, this.#now());
  }

  azureRolesNamed(name: string, scope: string): Promise<readonly NamedTarget[]> {
    return rolesNamed(this.#client, name, scope);
  }

  /** PIM's rules for the role at the target's scope (ARM's effective rules, inherited ones included). */
  async rules(target: Target): Promise<PimRules> {
    if (target.kind !== 'azure_role') throw new ArmRefusedError(unsupported(target));
    return this.#rules.get(`${target.scope.toLowerCase()}|${target.id.toLowerCase()}`, async () => {
      const url = this.#client.url(target.scope, 'roleManagementPolicyAssignments');
      url.searchParams.set('$filter', `roleDefinitionId eq '${target.id.replace(/'/g, "''")}'`);
      const found = readOrThrow(
        await this.#client.list<ArmPolicyAssignment>(url),
        'policy',
        target.scope,
      );
      const mine = found.find((a) => sameId(a.properties?.roleDefinitionId ?? '', target.id));
      return pimRules((mine?.properties?.effectiveRules ?? []) as unknown as PolicyRule[]);
    });
  }

  /**
   * AdminAssign does not ask whether the person is eligible, so the bot does, at the moment
   * of granting: an eligibility removed or ended since the request was made grants nothing,
   * and a scope outside every eligible one is refused.
   */
  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    if (grant.target.kind !== 'azure_role') return err(unsupported(grant.target));
    const refused = await this.#notEligible(grant.principalId, grant.target);
    if (refused) return err(refused);
    return this.#grants.activate(grant);
  }

  async #notEligible(principalId: string, target: Target): Promise<AppError | null> {
    let held: readonly Eligibility[];
    try {
      held = await this.eligibilities(principalId);
    } catch (error) {
      if (error instanceof ArmRefusedError) return error.appError;
      throw error;
    }
    return held.some((e) => covers(e.target, target))
      ? null
      : appError('policy.not_eligible', { role: targetLabel(target), scope: target.scope });
  }

  extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    if (grant.target.kind !== 'azure_role') return Promise.resolve(err(unsupported(grant.target)));
    return this.#grants.extend(grant, endsAt);
  }

  deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    if (target.kind !== 'azure_role') return Promise.resolve(err(unsupported(target)));
    return this.#grants.deactivate(principalId, target, requestId);
  }

  /** Ends the eligibility at the target's scope (eligibility-removal.ts). */
  endEligibility(
    principalId: string,
    target: Target,
    justification: string,
  ): Promise<Result<void, AppError>> {
    if (target.kind !== 'azure_role') return Promise.resolve(err(unsupported(target)));
    return this.#removal.end(principalId, target, justification);
  }

  async activeAssignments(principalId: string): Promise<readonly ActiveAssignment[]> {
    const all = await instancesAt(
      this.#client,
      this.#scopes,
      'roleAssignmentScheduleInstances',
      principalId,
    );
    const now = this.#now();
    return all.filter((i) => current(i, now)).map(assignmentOf);
  }
}

/** An assignment instance as the core sees it; one with no end and no PIM schedule is standing. */
export const assignmentOf = (i: ArmInstance): ActiveAssignment => ({
  principalId: i.properties.principalId,
  target: targetOf(i),
  startAt: timeOf(i.properties.startDateTime) ?? 0,
  endsAt: timeOf(i.properties.endDateTime),
  viaSchedule: !isStanding(i),
});
