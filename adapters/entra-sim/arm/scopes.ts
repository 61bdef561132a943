/** ARM ids in the simulated tenant: which scope an id names, and what ARM calls it. */
import { scopeCovers } from '../../../bot/core/domain/target.ts';
import type { ArmState } from './state.ts';

export interface KnownScope {
  readonly id: string;
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly type: 'subscription' | 'resourcegroup';
}

export type ScopeLookup = { found: KnownScope } | { code: string; message: string };

const SCOPE = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?$/i;
const ROLE_ID =
  /^(?:\/subscriptions\/([^/]+))?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;

/** A subscription or resource group that exists; the error ARM gives otherwise. */
export function lookupScope(arm: ArmState, scope: string): ScopeLookup {
  const m = SCOPE.exec(scope);
  if (!m?.[1]) return { code: 'InvalidScope', message: `The scope '${scope}' is not valid here.` };
  const sub = arm.subscription(m[1]);
  if (!sub)
    return {
      code: 'SubscriptionNotFound',
      message: `The subscription '${m[1]}' could not be found.`,
    };
  const rg = m[2];
  if (rg === undefined)
    return {
      found: { id: scope, subscriptionId: sub.id, displayName: sub.name, type: 'subscription' },
    };
  const name = sub.resourceGroups.find((g) => g.toLowerCase() === rg.toLowerCase());
  if (!name)
    return { code: 'ResourceGroupNotFound', message: `Resource group '${rg}' could not be found.` };
  return { found: { id: scope, subscriptionId: sub.id, displayName: name, type: 'resourcegroup' } };
}

/** The role GUID of a role definition id, when it names a known role in `subscriptionId`. */
export function roleGuidOf(
  arm: ArmState,
  roleDefinitionId: string,
  subscriptionId: string,
): string | null {
  const m = ROLE_ID.exec(roleDefinitionId);
  const guid = m?.[2]?.toLowerCase();
  if (!guid || !arm.roles.has(guid)) return null;
  if (m?.[1] !== undefined && m[1].toLowerCase() !== subscriptionId.toLowerCase()) return null;
  return guid;
}

/** Seen from `scope`: what lies at it, below it, or above it (inherited). */
export const visibleFrom = (scope: string, other: string): boolean =>
  scopeCovers(scope, other) || scopeCovers(other, scope);
