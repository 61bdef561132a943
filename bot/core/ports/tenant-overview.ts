import type { Target } from '../domain/target.ts';
import type { ActiveAssignment } from './privilege-provider.ts';

/** Someone eligible for a role (a user, or a group whose members are). */
export interface EligibleHolder {
  readonly principalId: string;
  readonly target: Target;
}

/**
 * The tenant as a whole, for the security alerts: who may hold which role, who holds one now
 * however they got it, and when people last signed in. Reads only.
 */
export interface TenantOverview {
  eligible(): Promise<readonly EligibleHolder[]>;
  /** Every role assignment holding now, tenant-wide, PIM-made or standing. */
  active(): Promise<readonly ActiveAssignment[]>;
  /**
   * The memberships and ownerships of these PIM groups holding now, PIM-made or added outside
   * PIM. Graph lists group assignments per group only, so the scan names the groups it knows.
   */
  activeInGroups?(groupIds: readonly string[]): Promise<readonly ActiveAssignment[]>;
  /**
   * When each user last signed in (Entra signInActivity). A user who never signed in maps to
   * null; ids that are not users (groups) are left out.
   */
  lastSignIns(userIds: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
}
