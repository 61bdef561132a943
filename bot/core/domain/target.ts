/**
 * What a request asks for. One shape fits every PIM surface: directory roles now, PIM for
 * Groups and Azure resource roles later (kind + id + scope).
 */
export type TargetKind = 'directoryRole' | 'groupMember' | 'groupOwner' | 'azureRole';

export interface Target {
  readonly kind: TargetKind;
  /** roleDefinitionId for roles, group id for PIM for Groups. */
  readonly id: string;
  /** Display name, e.g. `Exchange Administrator`. */
  readonly name: string;
  /** `/` for the whole directory, `/administrativeUnits/<id>`, or an ARM scope. */
  readonly scope: string;
}

/** A role the bot knows by name: what the command parser resolves names against. */
export interface RoleEntry {
  readonly kind: TargetKind;
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
}

export const DIRECTORY_SCOPE = '/';

export const sameTarget = (a: Target, b: Target): boolean =>
  a.kind === b.kind && a.id === b.id && a.scope === b.scope;

/**
 * Whether an eligibility on `eligibleScope` covers a request on `scope`: the same scope or a
 * narrower one below it (`/subscriptions/x` covers `/subscriptions/x/resourceGroups/y`).
 */
export function scopeCovers(eligibleScope: string, scope: string): boolean {
  if (eligibleScope === scope || eligibleScope === DIRECTORY_SCOPE) return true;
  const base = eligibleScope.replace(/\/+$/, '').toLowerCase();
  return scope.toLowerCase().startsWith(`${base}/`);
}
