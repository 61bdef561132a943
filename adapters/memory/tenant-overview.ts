import type { ActiveAssignment } from '../../bot/core/ports/privilege-provider.ts';
import type { EligibleHolder, TenantOverview } from '../../bot/core/ports/tenant-overview.ts';

/** A tenant described by hand, for tests of the security scan. */
export class MemoryTenantOverview implements TenantOverview {
  eligibleHolders: EligibleHolder[] = [];
  activeHolders: ActiveAssignment[] = [];
  /** User id → last sign-in (ms) or null for never. Ids not here are not users. */
  signIns = new Map<string, number | null>();

  async eligible(): Promise<readonly EligibleHolder[]> {
    return this.eligibleHolders;
  }

  async active(): Promise<readonly ActiveAssignment[]> {
    return this.activeHolders;
  }

  async lastSignIns(userIds: readonly string[]): Promise<ReadonlyMap<string, number | null>> {
    return new Map(
      userIds.filter((id) => this.signIns.has(id)).map((id) => [id, this.signIns.get(id) ?? null]),
    );
  }
}
