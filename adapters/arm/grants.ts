/**
 * Grants of Azure roles through roleAssignmentScheduleRequests: AdminAssign with an expiry,
 * AdminExtend, AdminRemove, each a PUT whose name is derived from the access request
 * (request-name.ts), so a retried PUT is the same request. ARM ends every grant by itself;
 * removal is the bot's second lock and early deactivation. ARM refuses a removal within
 * 5 minutes of the activation (ActiveDurationTooShort): that is `arm.too_soon_to_remove`,
 * carrying `retryAt` for the caller to schedule the removal then.
 */
import { parseDuration, toIsoDuration } from '../../bot/core/domain/duration.ts';
import { type Target, targetLabel } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { GrantRequest } from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import {
  type ArmInstance,
  type ArmScheduleRequest,
  current,
  instanceFor,
  sameId,
  timeOf,
} from './arm-types.ts';
import type { ArmClient } from './client.ts';
import { type ArmFailure, refusal } from './errors.ts';
import { instancesAt, requestNamed } from './reads.ts';
import { requestName } from './request-name.ts';

/** ARM keeps an activation at least this long before it may be removed. */
export const MIN_ACTIVE_MS = 5 * 60_000;

/** Statuses of a request that granted, or will without anybody's further say. */
export const GRANTED: ReadonlySet<string> = new Set([
  'Granted',
  'Provisioned',
  'PendingProvisioning',
  'PendingScheduleCreation',
  'ScheduleCreated',
]);

/** Start plus AfterDuration, as the request was written. */
export function endOf(request: ArmScheduleRequest): number | null {
  const schedule = request.properties?.scheduleInfo;
  const start = timeOf(schedule?.startDateTime);
  const seconds = parseDuration(schedule?.expiration?.duration ?? '');
  if (start !== null && seconds !== null) return start + seconds * 1000;
  return timeOf(schedule?.expiration?.endDateTime);
}

const lastSegment = (id: string | null | undefined): string =>
  (id ?? '').split('/').filter(Boolean).pop()?.toLowerCase() ?? '';

/** Time-bound assignments end by themselves; standing ones (no end) never came from us. */
export const isStanding = (i: ArmInstance): boolean =>
  !i.properties.endDateTime && i.properties.assignmentType !== 'Activated';

export class ArmGrants {
  readonly #client: ArmClient;
  readonly #now: () => number;
  readonly #log: Logger | undefined;

  constructor(client: ArmClient, now: () => number, log?: Logger) {
    this.#client = client;
    this.#now = now;
    this.#log = log;
  }

  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const { target } = grant;
    const name = requestName(grant.requestId, target, 'assign');
    const endsAt = grant.startAt + grant.durationSeconds * 1000;
    const sent = await this.#put(target, name, {
      requestType: 'AdminAssign',
      ...this.#schedule(grant, grant.durationSeconds),
    });
    if (sent.ok) return this.#granted(sent.body, target, endsAt);
    if (sent.failure.code !== 'RoleAssignmentExists')
      return err(this.#refused(sent.failure, target));
    // Either our own PUT went through and its answer was lost, or somebody else's grant.
    const live = await this.#live(grant.principalId, target);
    const ours = await requestNamed(this.#client, target.scope, name);
    if (live && ours && this.#made(ours, live))
      return ok({ endsAt: timeOf(live.properties.endDateTime) ?? endsAt });
    return err(
      appError('graph.already_active', {
        role: targetLabel(target),
        ...(live ? { until: timeOf(live.properties.endDateTime) } : {}),
      }),
    );
  }

  async extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const { target } = grant;
    const seconds = Math.round((endsAt - grant.startAt) / 1000);
    const sent = await this.#put(target, requestName(grant.requestId, target, `extend:${endsAt}`), {
      requestType: 'AdminExtend',
      ...this.#schedule(grant, seconds),
    });
    if (sent.ok) return this.#granted(sent.body, target, endsAt);
    if (sent.failure.code === 'RoleAssignmentDoesNotExist')
      return err(appError('grant.not_active', { role: targetLabel(target) }));
    return err(this.#refused(sent.failure, target));
  }

  async deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    const live = await this.#live(principalId, target);
    if (!live) return ok(undefined);
    if (!(await this.#mayRemove(live, target, requestId))) {
      // Ours is gone already, and removing somebody else's assignment is not the bot's call.
      this.#log?.warn(
        { requestId, role: target.id, scope: target.scope, principalId },
        'left an Azure role assignment this request did not make',
      );
      return ok(undefined);
    }
    const sent = await this.#put(target, requestName(requestId, target, 'remove'), {
      principalId,
      roleDefinitionId: target.id,
      requestType: 'AdminRemove',
      justification: `ended by elevate ${requestId}`,
    });
    if (sent.ok || sent.failure.code === 'RoleAssignmentDoesNotExist') return ok(undefined);
    if (sent.failure.code === 'ActiveDurationTooShort') {
      const retryAt = (timeOf(live.properties.startDateTime) ?? this.#now()) + MIN_ACTIVE_MS;
      const role = targetLabel(target);
      return err({ ...appError('arm.too_soon_to_remove', { role, retryAt }), retryAt });
    }
    return err(this.#refused(sent.failure, target));
  }

  /** A standing assignment never came from us; a time-bound one unless another request's. */
  async #mayRemove(live: ArmInstance, target: Target, requestId: string): Promise<boolean> {
    if (isStanding(live)) return false;
    const ours = await requestNamed(
      this.#client,
      target.scope,
      requestName(requestId, target, 'assign'),
    );
    // No request of ours on record (history trimmed): end the time-bound grant rather than
    // leave access standing.
    return ours === null || this.#made(ours, live);
  }

  /** Whether the live assignment is the schedule our request created. */
  #made(request: ArmScheduleRequest, live: ArmInstance): boolean {
    const status = request.properties.status;
    if (status !== undefined && !GRANTED.has(status)) return false;
    const schedule = lastSegment(request.properties.targetRoleAssignmentScheduleId);
    return schedule === '' || schedule === lastSegment(live.properties.roleAssignmentScheduleId);
  }

  async #live(principalId: string, target: Target): Promise<ArmInstance | undefined> {
    const all = await instancesAt(
      this.#client,
      [target.scope],
      'roleAssignmentScheduleInstances',
      principalId,
    );
    const now = this.#now();
    return instanceFor(
      all.filter((i) => current(i, now) && sameId(i.properties.principalId, principalId)),
      target,
    );
  }

  #schedule(grant: GrantRequest, seconds: number) {
    return {
      principalId: grant.principalId,
      roleDefinitionId: grant.target.id,
      justification: grant.justification,
      ...(grant.ticket
        ? { ticketInfo: { ticketNumber: grant.ticket, ticketSystem: 'elevate' } }
        : {}),
      scheduleInfo: {
        startDateTime: new Date(grant.startAt).toISOString(),
        expiration: { type: 'AfterDuration', duration: toIsoDuration(seconds) },
      },
    };
  }

  /**
   * The end the request ARM holds asks for: a PUT repeated under the same name is answered
   * with the first one, whose start may be earlier than this attempt's.
   */
  #granted(request: ArmScheduleRequest, target: Target, endsAt: number) {
    const status = request.properties?.status;
    if (status === undefined || GRANTED.has(status))
      return ok({ endsAt: endOf(request) ?? endsAt });
    return err(appError('graph.not_granted', { role: targetLabel(target), status }));
  }

  #refused(failure: ArmFailure, target: Target): AppError {
    const known = refusal(failure, 'activate', targetLabel(target), target.scope);
    if (known) return known;
    this.#log?.warn(
      { code: failure.code, status: failure.status, detail: failure.message, role: target.id },
      'Azure refused a PIM request',
    );
    return appError('arm.rejected', { role: targetLabel(target), code: failure.code });
  }

  #put(target: Target, name: string, properties: Record<string, unknown>) {
    return this.#client.send<ArmScheduleRequest>(
      'PUT',
      this.#client.url(target.scope, 'roleAssignmentScheduleRequests', name),
      { properties },
    );
  }
}
