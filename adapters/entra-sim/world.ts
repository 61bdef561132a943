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
  /** PIM for Groups: groups onboarded to PIM and who may activate membership or ownership. */
  readonly pimGroups?: readonly WorldPimGroup[];
  /** Azure resource roles: subscriptions, resource groups, role definitions, eligibility. */
  readonly azure?: WorldAzure;
}

/**
 * A group onboarded to PIM for Groups. Its `members` in `groups` (if listed there too) are
 * standing members; `eligible` may activate membership or ownership for a while.
 */
export interface WorldPimGroup {
  readonly id: string;
  readonly name: string;
  readonly eligible: readonly WorldGroupEligibility[];
  /** PIM's activation settings for membership and ownership; absent: PIM's defaults. */
  readonly pim?: { readonly member?: StandInPolicy; readonly owner?: StandInPolicy };
  /** Standing members added outside PIM (the "assigned outside PIM" alert). */
  readonly standingMembers?: readonly string[];
}

export interface WorldGroupEligibility {
  readonly principalId: string;
  /** Defaults to member. */
  readonly access?: 'member' | 'owner';
  readonly endsAt?: number | null;
}

export interface WorldAzure {
  readonly subscriptions: readonly WorldSubscription[];
  /** Role definitions by GUID (the built-in ones: Reader, Contributor, Owner …). */
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly eligible: readonly WorldAzureEligibility[];
  /** PIM's settings by role definition GUID; absent: PIM's defaults. */
  readonly pim?: Readonly<Record<string, StandInPolicy>>;
}

export interface WorldSubscription {
  /** The subscription GUID. */
  readonly id: string;
  readonly name: string;
  readonly resourceGroups: readonly string[];
}

export interface WorldAzureEligibility {
  readonly principalId: string;
  /** Role definition GUID from `azure.roles`. */
  readonly roleId: string;
  /** Full ARM scope: `/subscriptions/<id>` or `/subscriptions/<id>/resourceGroups/<name>`. */
  readonly scope: string;
  readonly endsAt?: number | null;
}

/** `ids` each eligible for every role in `roles`. */
export const eligibleFor = (
  ids: readonly string[],
  roles: readonly { readonly id: string }[],
): WorldEligibility[] =>
  ids.flatMap((principalId) => roles.map((r) => ({ principalId, roleId: r.id })));

/**
 * The role definition id ARM gives an Azure role at `scope`: scoped to the subscription the
 * scope lies in, tenant-wide (`/providers/…`) at a management group.
 */
export function azureRoleDefinitionId(scope: string, roleGuid: string): string {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  const base = sub === undefined ? '' : `/subscriptions/${sub}`;
  return `${base}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** A subscription's or resource group's display name, as ARM's expandedProperties give it. */
export function azureScopeName(world: WorldAzure, scope: string): string {
  const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(scope);
  const sub = world.subscriptions.find((s) => s.id.toLowerCase() === m?.[1]?.toLowerCase());
  if (m?.[2] !== undefined) return m[2];
  return sub?.name ?? scope.split('/').filter(Boolean).pop() ?? scope;
}
