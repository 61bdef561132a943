/**
 * Grants through PIM schedule requests: adminAssign with an expiry, adminExtend, adminRemove.
 * Entra ends every grant by itself; removal is the bot's second lock and early deactivation.
 */
import { toIsoDuration } from '../../bot/core/domain/duration.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { GrantRequest } from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import {
  instanceFor,
  isOurs,
  isStanding,
  liveInstances,
  ourEnd,
  ourRequests,
} from './assignments.ts';
import { type GraphFailure, refusal } from './errors.ts';
import { ROLE_MANAGEMENT, type ScheduleInstance, type ScheduleRequest } from './graph-types.ts';
import type { GraphReader } from './reader.ts';

const REQUESTS = `${ROLE_MANAGEMENT}/roleAssignmentScheduleRequests`;
/** Statuses of a request that granted, or will without anybody's further say. */
const GRANTED = new Set([
  'Granted',
  'Provisioned',
  'PendingProvisioning',
  'PendingScheduleCreation',
  'ScheduleCreated',
]);

type Sent = { ok: true; request: ScheduleRequest } | { ok: false; failure: GraphFailure };

const unsupported = (target: Target) =>
  err(appError('graph.unsupported_target', { kind: target.kind }));

export class PimGrants {
  readonly #reader: GraphReader;
  readonly #now: () => number;
  readonly #log: Logger | undefined;

  constructor(reader: GraphReader, now: () => number, log?: Logger) {
    this.#reader = reader;
    this.#now = now;
    this.#log = log;
  }

  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const { target } = grant;
    if (target.kind !== 'directory_role') return unsupported(target);
    const sent = await this.#send({
      action: 'adminAssign',
      ...this.#schedule(grant, grant.durationSeconds),
    });
    const endsAt = grant.startAt + grant.durationSeconds * 1000;
    if (sent.ok) return this.#granted(sent.request, target, endsAt);
    if (sent.failure.code !== 'RoleAssignmentExists')
      return err(this.#refused(sent.failure, target));
    // Either our own POST went through and its answer was lost, or somebody else's grant.
    const live = instanceFor(
      await liveInstances(this.#reader, grant.principalId, this.#now()),
      target,
    );
    const ours = await ourRequests(this.#reader, grant.principalId, target, grant.requestId);
    if (isOurs(live, ours)) return ok({ endsAt: ourEnd(live, ours) ?? endsAt });
    return err(
      appError('graph.already_active', {
        role: target.name,
        ...(live ? { until: live.endDateTime ? Date.parse(live.endDateTime) : null } : {}),
      }),
    );
  }

  async extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const { target } = grant;
    if (target.kind !== 'directory_role') return unsupported(target);
    const seconds = Math.round((endsAt - grant.startAt) / 1000);
    const sent = await this.#send({ action: 'adminExtend', ...this.#schedule(grant, seconds) });
    if (sent.ok) return this.#granted(sent.request, target, endsAt);
    if (sent.failure.code === 'RoleAssignmentDoesNotExist')
      return err(appError('grant.not_active', { role: target.name }));
    return err(this.#refused(sent.failure, target));
  }

  async deactivate(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    if (target.kind !== 'directory_role') return unsupported(target);
    const live = instanceFor(await liveInstances(this.#reader, principalId, this.#now()), target);
    if (live && !(await this.#mayRemove(live, principalId, target, requestId))) {
      // Ours is gone already, and removing somebody else's assignment is not the bot's call.
      this.#log?.warn(
        { requestId, role: target.id, principalId },
        'left an assignment this request did not make',
      );
      return ok(undefined);
    }
    const sent = await this.#send({
      action: 'adminRemove',
      principalId,
      roleDefinitionId: target.id,
      directoryScopeId: target.scope,
      justification: `ended by elevate ${requestId}`,
    });
    if (sent.ok || sent.failure.code === 'RoleAssignmentDoesNotExist') return ok(undefined);
    return err(this.#refused(sent.failure, target));
  }

  /** A standing assignment never came from us; a time-bound one unless another request's. */
  async #mayRemove(
    live: ScheduleInstance,
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<boolean> {
    if (isStanding(live)) return false;
    const ours = await ourRequests(this.#reader, principalId, target, requestId);
    // No request of ours on record (history trimmed, mark cut off): end the time-bound grant
    // rather than leave access standing.
    return ours.length === 0 || isOurs(live, ours);
  }

  #schedule(grant: GrantRequest, seconds: number) {
    return {
      principalId: grant.principalId,
      roleDefinitionId: grant.target.id,
      directoryScopeId: grant.target.scope,
      justification: grant.justification,
      ...(grant.ticket
        ? { ticketInfo: { ticketNumber: grant.ticket, ticketSystem: 'elevate' } }
        : {}),
      scheduleInfo: {
        startDateTime: new Date(grant.startAt).toISOString(),
        expiration: { type: 'afterDuration', duration: toIsoDuration(seconds) },
      },
    };
  }

  #granted(request: ScheduleRequest, target: Target, endsAt: number) {
    if (request.status === undefined || GRANTED.has(request.status)) return ok({ endsAt });
    return err(appError('graph.not_granted', { role: target.name, status: request.status }));
  }

  #refused(failure: GraphFailure, target: Target): AppError {
    const known = refusal(failure, 'activate', target.name);
    if (known) return known;
    this.#log?.warn(
      { code: failure.code, status: failure.status, detail: failure.message, role: target.id },
      'Entra refused a PIM request',
    );
    return appError('graph.rejected', { role: target.name, code: failure.code });
  }

  async #send(body: Record<string, unknown>): Promise<Sent> {
    try {
      return { ok: true, request: await this.#reader.client.api(REQUESTS).post(body) };
    } catch (error) {
      return { ok: false, failure: this.#reader.failureOrThrow(error) };
    }
  }
}
