/**
 * Ending an Azure role eligibility through PIM, for an eligibility review's Remove: a PUT of
 * roleEligibilityScheduleRequests/{name} with requestType AdminRemove at the eligibility's
 * scope. Each removal is a new request (a random name): the same name again would be answered
 * with the first request, which after an eligibility given anew would remove nothing. A
 * retried PUT inside one call keeps its name (client.ts). One already gone
 * (`RoleAssignmentDoesNotExist`) is success.
 *
 * Afterwards the person may still be eligible at that scope through a group (`assignedTo()`
 * lists those too): that is the group's eligibility, so the removal is refused naming it.
 */
import { randomUUID } from 'node:crypto';
import { type Target, targetLabel } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { current, sameId } from './arm-types.ts';
import type { ArmClient } from './client.ts';
import { type ArmFailure, refusal } from './errors.ts';
import { instancesAt } from './reads.ts';

export class ArmEligibilityRemoval {
  readonly #client: ArmClient;
  readonly #now: () => number;
  readonly #log: Logger | undefined;

  constructor(client: ArmClient, now: () => number, log?: Logger) {
    this.#client = client;
    this.#now = now;
    this.#log = log;
  }

  async end(
    principalId: string,
    target: Target,
    justification: string,
  ): Promise<Result<void, AppError>> {
    const sent = await this.#client.send<unknown>(
      'PUT',
      this.#client.url(target.scope, 'roleEligibilityScheduleRequests', randomUUID()),
      {
        properties: {
          requestType: 'AdminRemove',
          principalId,
          roleDefinitionId: target.id,
          justification,
        },
      },
    );
    if (!sent.ok && sent.failure.code !== 'RoleAssignmentDoesNotExist')
      return err(this.#refused(sent.failure, target));
    const groups = await this.#heldThrough(principalId, target);
    if (groups.length === 0) return ok(undefined);
    return err(appError('eligibility.held_through_group', { role: targetLabel(target), groups }));
  }

  /** The groups through which the principal is still eligible for the role at that scope. */
  async #heldThrough(principalId: string, target: Target): Promise<string[]> {
    const all = await instancesAt(
      this.#client,
      [target.scope],
      'roleEligibilityScheduleInstances',
      principalId,
    );
    const now = this.#now();
    const names = all
      .filter(
        (i) =>
          current(i, now) &&
          sameId(i.properties.roleDefinitionId, target.id) &&
          sameId(i.properties.scope, target.scope) &&
          !sameId(i.properties.principalId, principalId),
      )
      .map(
        (i) => i.properties.expandedProperties?.principal?.displayName ?? i.properties.principalId,
      );
    return [...new Set(names)];
  }

  #refused(failure: ArmFailure, target: Target): AppError {
    const known = refusal(failure, 'endEligibility', targetLabel(target), target.scope);
    if (known) return known;
    this.#log?.warn(
      { code: failure.code, status: failure.status, detail: failure.message, role: target.id },
      'Azure refused to end a PIM eligibility',
    );
    return appError('arm.rejected', { role: targetLabel(target), code: failure.code });
  }
}
