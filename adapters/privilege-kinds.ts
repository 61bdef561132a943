/**
 * One PrivilegeProvider over several: Graph serves directory roles and PIM for Groups, ARM
 * serves Azure resource roles. Each target goes to the provider for its kind; lists are merged.
 * A kind nobody serves (Azure roles without `azure.scopes`) is refused with a message that says
 * how to turn it on, never silently granted elsewhere.
 */
import type { PimRules } from '../bot/core/domain/policy.ts';
import type { RoleEntry, Target, TargetKind } from '../bot/core/domain/target.ts';
import { type AppError, appError } from '../bot/core/errors.ts';
import type {
  ActiveAssignment,
  Eligibility,
  EligiblePrincipal,
  GrantRequest,
  NamedTarget,
  PrivilegeProvider,
} from '../bot/core/ports/privilege-provider.ts';
import type { TenantOverview } from '../bot/core/ports/tenant-overview.ts';
import { err, type Result } from '../bot/core/result.ts';

export interface KindProvider {
  readonly kinds: readonly TargetKind[];
  readonly provider: PrivilegeProvider;
}

/** What a kind nobody serves answers, for every call that names a target of it. */
export class KindNotServedError extends Error {
  readonly appError: AppError;
  constructor(kind: TargetKind) {
    const error = appError('policy.kind_not_configured', { kind });
    super(error.message);
    this.appError = error;
  }
}

export class PrivilegesByKind implements PrivilegeProvider {
  readonly #parts: readonly KindProvider[];
  /**
   * Present when a part can list who is eligible (Graph, ARM, for whocan), so that the core
   * tells a provider that cannot from one that found nobody.
   */
  readonly eligibleFor?: (target: Target) => Promise<readonly EligiblePrincipal[]>;
  /** Present when a part can end an eligibility (eligibility reviews), as eligibleFor is. */
  readonly endEligibility?: (
    principalId: string,
    target: Target,
    justification: string,
  ) => Promise<Result<void, AppError>>;

  constructor(parts: readonly KindProvider[]) {
    this.#parts = parts;
    if (parts.some((p) => p.provider.eligibleFor))
      this.eligibleFor = (target) => {
        const provider = this.#for(target.kind);
        return provider?.eligibleFor
          ? provider.eligibleFor(target)
          : Promise.reject(new KindNotServedError(target.kind));
      };
    if (parts.some((p) => p.provider.endEligibility))
      this.endEligibility = async (principalId, target, justification) => {
        const provider = this.#for(target.kind);
        return provider?.endEligibility
          ? provider.endEligibility(principalId, target, justification)
          : notServed(target.kind);
      };
  }

  #for(kind: TargetKind): PrivilegeProvider | undefined {
    return this.#parts.find((p) => p.kinds.includes(kind))?.provider;
  }

  async #all<T>(read: (p: PrivilegeProvider) => Promise<readonly T[]>): Promise<T[]> {
    return (await Promise.all(this.#parts.map((p) => read(p.provider)))).flat();
  }

  listRoles(): Promise<readonly RoleEntry[]> {
    return this.#all((p) => p.listRoles());
  }

  async eligibilities(
    principalId: string,
    kinds?: readonly TargetKind[],
  ): Promise<readonly Eligibility[]> {
    const asked = kinds
      ? this.#parts.filter((p) => p.kinds.some((k) => kinds.includes(k)))
      : this.#parts;
    return (
      await Promise.all(asked.map((p) => p.provider.eligibilities(principalId, kinds)))
    ).flat();
  }

  rules(target: Target): Promise<PimRules> {
    const provider = this.#for(target.kind);
    if (!provider) return Promise.reject(new KindNotServedError(target.kind));
    return provider.rules(target);
  }

  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const provider = this.#for(grant.target.kind);
    return provider ? provider.activate(grant) : notServed(grant.target.kind);
  }

  async extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const provider = this.#for(grant.target.kind);
    return provider ? provider.extend(grant, endsAt) : notServed(grant.target.kind);
  }

  async deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    const provider = this.#for(target.kind);
    return provider ? provider.deactivate(principalId, target, requestId) : notServed(target.kind);
  }

  activeAssignments(principalId: string): Promise<readonly ActiveAssignment[]> {
    return this.#all((p) => p.activeAssignments(principalId));
  }

  async findScopes(
    name: string,
    under: readonly string[],
  ): Promise<readonly { readonly scope: string; readonly name: string }[]> {
    return (await this.#for('azure_role')?.findScopes?.(name, under)) ?? [];
  }

  async groupsNamed(name: string): Promise<readonly NamedTarget[]> {
    return (await this.#for('group')?.groupsNamed?.(name)) ?? [];
  }

  async azureRolesNamed(name: string, scope: string): Promise<readonly NamedTarget[]> {
    return (await this.#for('azure_role')?.azureRolesNamed?.(name, scope)) ?? [];
  }
}

const notServed = (kind: TargetKind) => err(new KindNotServedError(kind).appError);

/** The security scan's view over every provider that has one. */
export class OverviewByKind implements TenantOverview {
  readonly #parts: readonly TenantOverview[];
  readonly #signIns: TenantOverview;

  /** `signIns` answers lastSignIns (Graph); the others add their eligibility and assignments. */
  constructor(signIns: TenantOverview, more: readonly TenantOverview[]) {
    this.#signIns = signIns;
    this.#parts = [signIns, ...more];
  }

  async eligible() {
    return (await Promise.all(this.#parts.map((p) => p.eligible()))).flat();
  }

  async active(): Promise<readonly ActiveAssignment[]> {
    return (await Promise.all(this.#parts.map((p) => p.active()))).flat();
  }

  async activeInGroups(groupIds: readonly string[]): Promise<readonly ActiveAssignment[]> {
    const parts = this.#parts.filter((p) => p.activeInGroups);
    return (await Promise.all(parts.map((p) => p.activeInGroups?.(groupIds) ?? []))).flat();
  }

  lastSignIns(userIds: readonly string[]) {
    return this.#signIns.lastSignIns(userIds);
  }
}
