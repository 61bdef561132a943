/**
 * One description of an Entra tenant — people, groups, directory roles, who is eligible for
 * what, PIM's settings and assignments made outside PIM — that seeds the simulated tenant
 * (seed.ts) and the in-memory ports (adapters/memory/world.ts) alike, so the sandbox, the
 * end-to-end tests and the core tests model Entra the same way.
 */
import type { StandInPolicy } from './tenant.ts';

export interface WorldUser {
  readonly id: string;
  readonly name: string;
  readonly upn: string;
  /** Defaults to the UPN. */
  readonly mail?: string;
  /** A disabled account is found by nobody (default enabled). */
  readonly enabled?: boolean;
  /** Epoch ms of the last sign-in; null: never signed in; absent: not recorded. */
  readonly lastSignIn?: number | null;
}

export interface WorldGroup {
  readonly id: string;
  readonly name: string;
  /** User ids and nested group ids. */
  readonly members: readonly string[];
}

export interface WorldRole {
  readonly id: string;
  readonly name: string;
  readonly enabled?: boolean;
}

export interface WorldEligibility {
  /** A user, or a group whose members are all eligible. */
  readonly principalId: string;
  readonly roleId: string;
  /** Defaults to the whole directory, `/`. */
  readonly scope?: string;
  /** Epoch ms when the eligibility ends; absent or null: permanent. */
  readonly endsAt?: number | null;
}

export interface WorldSpec {
  readonly users: readonly WorldUser[];
  readonly groups?: readonly WorldGroup[];
  readonly roles: readonly WorldRole[];
  readonly eligible?: readonly WorldEligibility[];
  /** PIM's own activation settings, by role id; roles not listed have PIM's defaults. */
  readonly pim?: Readonly<Record<string, StandInPolicy>>;
  /** Assignments made in the portal with no end: standing access, outside PIM's schedules. */
  readonly standing?: readonly { readonly principalId: string; readonly roleId: string }[];
}

/** `ids` each eligible for every role in `roles`. */
export const eligibleFor = (
  ids: readonly string[],
  roles: readonly { readonly id: string }[],
): WorldEligibility[] =>
  ids.flatMap((principalId) => roles.map((r) => ({ principalId, roleId: r.id })));
