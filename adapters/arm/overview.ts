/**
 * The Azure side of the security scan: every eligibility and every assignment holding now at
 * the configured scopes, whoever holds them, so "activated outside elevate" and "assigned
 * outside PIM" cover Azure roles as they cover directory roles. Sign-ins come from Graph.
 */
import type { ActiveAssignment } from '../../bot/core/ports/privilege-provider.ts';
import type { EligibleHolder, TenantOverview } from '../../bot/core/ports/tenant-overview.ts';
import { current, targetOf } from './arm-types.ts';
import type { ArmClient } from './client.ts';
import { assignmentOf } from './privileges.ts';
import { instancesAt } from './reads.ts';

export class AzureOverview implements TenantOverview {
  readonly #client: ArmClient;
  readonly #scopes: readonly string[];
  readonly #now: () => number;

  constructor(client: ArmClient, scopes: readonly string[], now: () => number = Date.now) {
    this.#client = client;
    this.#scopes = scopes;
    this.#now = now;
  }

  async eligible(): Promise<readonly EligibleHolder[]> {
    const all = await instancesAt(
      this.#client,
      this.#scopes,
      'roleEligibilityScheduleInstances',
      null,
    );
    const now = this.#now();
    return all
      .filter((i) => current(i, now))
      .map((i) => ({ principalId: i.properties.principalId, target: targetOf(i) }));
  }

  async active(): Promise<readonly ActiveAssignment[]> {
    const all = await instancesAt(
      this.#client,
      this.#scopes,
      'roleAssignmentScheduleInstances',
      null,
    );
    const now = this.#now();
    return all.filter((i) => current(i, now)).map(assignmentOf);
  }

  /** Sign-in activity is Entra's (Graph): none here. */
  async lastSignIns(): Promise<ReadonlyMap<string, number | null>> {
    return new Map();
  }
}
