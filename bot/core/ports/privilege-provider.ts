import type { PimRules } from '../domain/policy.ts';
import type { RoleEntry, Target, TargetKind } from '../domain/target.ts';
import type { AppError } from '../errors.ts';
import type { Result } from '../result.ts';

export interface Eligibility {
  readonly target: Target;
  /** When the eligibility itself ends; null when permanent. */
  readonly endsAt: number | null;
}

/** Someone PIM lists as eligible for a target: a person, or a group whose members are. */
export interface EligiblePrincipal {
  readonly principalId: string;
  /** `group`: eligibility held by a group (its members may activate). */
  readonly type: 'user' | 'group';
  /**
   * The scope the eligibility is at (`/` for the whole directory): for an Azure role the
   * target's scope or one above it (an eligibility on the subscription covers its resource groups).
   */
  readonly scope: string;
  /** Azure roles: the scope's display name, as ARM gives it. */
  readonly scopeName?: string;
  /** When the eligibility ends; null when permanent. */
  readonly endsAt: number | null;
}

/** A group or role definition found by name: its id and the name Entra or Azure gives it. */
export interface NamedTarget {
  readonly id: string;
  readonly name: string;
}

export interface GrantRequest {
  readonly principalId: string;
  readonly target: Target;
  readonly startAt: number;
  readonly durationSeconds: number;
  /** Written into PIM's record: reason, requester, approvers, ticket and request id. */
  readonly justification: string;
  readonly ticket: string | null;
  readonly requestId: string;
}

export interface ActiveAssignment {
  readonly principalId: string;
  readonly target: Target;
  readonly startAt: number;
  readonly endsAt: number | null;
  /** Made through a PIM schedule (false: assigned outside PIM). */
  readonly viaSchedule: boolean;
}

/**
 * PIM for every kind of target: directory roles and PIM for Groups through Graph, Azure resource
 * roles through ARM. An adapter serves the kinds it knows; the composite (privilege-kinds.ts)
 * sends each target to the one for its kind and merges the lists.
 */
export interface PrivilegeProvider {
  /** Every directory role the tenant has, for name matching (groups and Azure roles are matched against eligibilities). */
  listRoles(): Promise<readonly RoleEntry[]>;
  /**
   * Current eligibility of every kind the provider serves; Azure roles with their scope.
   * `kinds`: only these are needed (a provider of other kinds need not be asked, so an ARM
   * outage does not stop a directory role request).
   */
  eligibilities(
    principalId: string,
    kinds?: readonly TargetKind[],
  ): Promise<readonly Eligibility[]>;
  /**
   * Everyone PIM lists as eligible for `target` now (`/elevate whocan`): for a group, with the
   * target's access (member or owner); for an Azure role, eligible at the target's scope or at
   * one above it. Optional: a provider that cannot list by target leaves it out, and whocan
   * says so.
   */
  eligibleFor?(target: Target): Promise<readonly EligiblePrincipal[]>;
  /** PIM's own rules for a target, combined with policy.yaml into the effective policy. */
  rules(target: Target): Promise<PimRules>;
  /** Grants `target` for the duration. An assignment that exists already and is ours is success. */
  activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>>;
  /**
   * Moves the end of an active grant made for `grant.requestId` to `endsAt` (Graph:
   * adminExtend). `grant.startAt` is when the grant began.
   */
  extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>>;
  /** Removes the assignment; one that is already gone is success. */
  deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>>;
  activeAssignments(principalId: string): Promise<readonly ActiveAssignment[]>;
  /**
   * Ends `principalId`'s eligibility for `target` at `target.scope` (an eligibility review's
   * Remove): Graph roleEligibilityScheduleRequests / group eligibilityScheduleRequests with
   * action adminRemove, ARM roleEligibilityScheduleRequests with requestType AdminRemove.
   * An eligibility that is already gone is success. One the person still holds through a
   * group afterwards is the group's, not theirs to lose alone: `eligibility.held_through_group`
   * (their own eligibility, if they had one, is gone).
   */
  endEligibility?(
    principalId: string,
    target: Target,
    justification: string,
  ): Promise<Result<void, AppError>>;
  /**
   * Azure scopes below any of `under` whose name is `name` (a resource group or resource), for
   * `Contributor on rg-payments` when the eligibility is on the subscription. Only providers of
   * Azure roles have it.
   */
  findScopes?(
    name: string,
    under: readonly string[],
  ): Promise<readonly { readonly scope: string; readonly name: string }[]>;
  /**
   * The groups called `name` (any case), or the one with that object id, whoever asks: whocan
   * names a group its asker need not be eligible for. Only providers of PIM for Groups have it.
   */
  groupsNamed?(name: string): Promise<readonly NamedTarget[]>;
  /**
   * The Azure role definitions called `name` that can be assigned at `scope`, with
   * their ids as ARM gives them there, whoever asks (whocan). Only providers of Azure roles have it.
   */
  azureRolesNamed?(name: string, scope: string): Promise<readonly NamedTarget[]>;
}
