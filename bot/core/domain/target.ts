/**
 * What a request asks for. One shape fits the three kinds of PIM target (DESIGN.md "The three
 * kinds of PIM target"): a directory role at a directory scope, membership or ownership of a
 * PIM-onboarded group, an Azure resource role at an ARM scope.
 */
export type TargetKind = 'directory_role' | 'group' | 'azure_role';

/** PIM for Groups grants membership (the default) or ownership. */
export type GroupAccess = 'member' | 'owner';

export interface Target {
  readonly kind: TargetKind;
  /**
   * The role definition id for a directory role, the group id for PIM for Groups, the full
   * ARM role definition id (`/subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/<guid>`)
   * for an Azure role.
   */
  readonly id: string;
  /** Display name, e.g. `Exchange Administrator`, `Payments Oncall`, `Contributor`. */
  readonly name: string;
  /**
   * `/` for the whole directory or `/administrativeUnits/<id>`; `/` for a group; the ARM scope
   * (`/subscriptions/<id>/resourceGroups/<name>`) for an Azure role.
   */
  readonly scope: string;
  /** Groups only: membership or ownership. */
  readonly access?: GroupAccess;
  /** Azure roles only: the scope's display name (subscription or resource group name). */
  readonly scopeName?: string;
}

/** A role the bot knows by name: what the command parser resolves names against. */
export interface RoleEntry {
  readonly kind: TargetKind;
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
}

export const DIRECTORY_SCOPE = '/';

/** Kinds written by earlier versions, read into today's names. */
const LEGACY_KINDS: Readonly<Record<string, TargetKind>> = {
  directoryRole: 'directory_role',
  azureRole: 'azure_role',
  groupMember: 'group',
  groupOwner: 'group',
};

/** A target read from storage written by any version. */
export function readTarget(stored: Target): Target {
  const legacy = LEGACY_KINDS[stored.kind as string];
  if (legacy === undefined) return stored;
  const access: GroupAccess | undefined =
    (stored.kind as string) === 'groupOwner'
      ? 'owner'
      : (stored.kind as string) === 'groupMember'
        ? 'member'
        : undefined;
  return { ...stored, kind: legacy, ...(access ? { access } : {}) };
}

const ARM_SCOPE = /^\/(subscriptions|providers\/Microsoft\.Management\/managementGroups)\//i;

export const sameTarget = (a: Target, b: Target): boolean =>
  a.kind === b.kind &&
  a.id.toLowerCase() === b.id.toLowerCase() &&
  a.scope.toLowerCase() === b.scope.toLowerCase() &&
  (a.access ?? 'member') === (b.access ?? 'member');

/** One key per target: the same group as member and as owner are two targets. */
export const targetKey = (t: Target): string =>
  t.kind === 'group'
    ? `group:${t.id}:${t.access ?? 'member'}`
    : `${t.kind}:${t.id.toLowerCase()}@${t.scope.toLowerCase()}`;

/**
 * How a target reads in chat and in the audit trail: `Exchange Administrator`,
 * `Payments Oncall (owner)`, `Contributor on rg-payments`.
 */
export function targetLabel(t: Target): string {
  if (t.kind === 'group') return t.access === 'owner' ? `${t.name} (owner)` : t.name;
  if (t.kind === 'azure_role') return `${t.name} on ${t.scopeName ?? lastSegment(t.scope)}`;
  return t.name;
}

const lastSegment = (scope: string): string => scope.split('/').filter(Boolean).pop() ?? scope;

export const isArmScope = (scope: string): boolean => ARM_SCOPE.test(scope);

/**
 * Whether an eligibility on `eligibleScope` covers a request on `scope`: the same scope or a
 * narrower one below it (`/subscriptions/x` covers `/subscriptions/x/resourceGroups/y`).
 */
export function scopeCovers(eligibleScope: string, scope: string): boolean {
  if (eligibleScope === scope || eligibleScope === DIRECTORY_SCOPE) return true;
  const base = eligibleScope.replace(/\/+$/, '').toLowerCase();
  return scope.toLowerCase().startsWith(`${base}/`);
}

/** Whether holding `eligible` lets a person activate `wanted`: same role or group, access and a covering scope. */
export const covers = (eligible: Target, wanted: Target): boolean =>
  eligible.kind === wanted.kind &&
  eligible.id.toLowerCase() === wanted.id.toLowerCase() &&
  (eligible.access ?? 'member') === (wanted.access ?? 'member') &&
  scopeCovers(eligible.scope, wanted.scope);
