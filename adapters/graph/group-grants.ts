/**
 * Group membership and ownership through PIM for Groups schedule requests: adminAssign with
 * an expiry, adminExtend, adminRemove, recognised as this request's by the `elevate
 * <requestId>` mark as directory role grants are (grants.ts, assignments.ts).
 */
import { toIsoDuration } from '../../bot/core/domain/duration.ts';
import { type Target, targetLabel } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { GrantRequest } from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { DEAD, marks, ourEnd } from './assignments.ts';
import { type GraphFailure, refusal } from './errors.ts';
import { liveGroupInstances } from './group-reads.ts';
import {
  type GroupInstance,
  type GroupRequest,
  isFor,
  isStandingGroup,
  PIM_GROUPS,
} from './group-types.ts';
import { type GraphReader, literal } from './reader.ts';

const REQUESTS = `${PIM_GROUPS}/assignmentScheduleRequests`;
/** Statuses of a request that granted, or will without anybody's further say. */
const GRANTED = new Set([
  'Granted',
  'Provisioned',
  'PendingProvisioning',
  'PendingScheduleCreation',
  'ScheduleCreated',
]);

type Sent = { ok: true; request: GroupRequest } | { ok: false; failure: GraphFailure };

export class GroupGrants {
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
    const sent = await this.#send({
      action: 'adminAssign',
      ...this.#schedule(grant, grant.durationSeconds),
    });
    const endsAt = grant.startAt + grant.durationSeconds * 1000;
    if (sent.ok) return this.#granted(sent.request, target, endsAt);
    if (sent.failure.code !== 'RoleAssignmentExists')
      return err(this.#refused(sent.failure, target));
    // Either our own POST went through and its answer was lost, or somebody else's grant.
    const live = await this.#live(grant.principalId, target);
    const ours = await this.#ours(grant.principalId, target, grant.requestId);
    if (isOurs(live, ours)) return ok({ endsAt: ourEnd(live, ours) ?? endsAt });
    return err(
      appError('graph.already_active', {
        role: targetLabel(target),
        ...(live ? { until: live.endDateTime ? Date.parse(live.endDateTime) : null } : {}),
      }),
    );
  }

  async extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const { target } = grant;
    const seconds = Math.round((endsAt - grant.startAt) / 1000);
    const sent = await this.#send({ action: 'adminExtend', ...this.#schedule(grant, seconds) });
    if (sent.ok) return this.#granted(sent.request, target, endsAt);
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
    if (live && !(await this.#mayRemove(live, principalId, target, requestId))) {
      // Ours is gone already, and removing somebody else's membership is not the bot's call.
      this.#log?.warn(
        { requestId, group: target.id, access: target.access ?? 'member', principalId },
        'left a group assignment this request did not make',
      );
      return ok(undefined);
    }
    const sent = await this.#send({
      action: 'adminRemove',
      accessId: target.access ?? 'member',
      principalId,
      groupId: target.id,
      justification: `ended by elevate ${requestId}`,
    });
    if (sent.ok || sent.failure.code === 'RoleAssignmentDoesNotExist') return ok(undefined);
    return err(this.#refused(sent.failure, target));
  }

  /** A standing membership never came from us; a time-bound one unless another request's. */
  async #mayRemove(
    live: GroupInstance,
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<boolean> {
    if (isStandingGroup(live)) return false;
    const ours = await this.#ours(principalId, target, requestId);
    // No request of ours on record: end the time-bound grant rather than leave access standing.
    return ours.length === 0 || isOurs(live, ours);
  }

  async #live(principalId: string, target: Target): Promise<GroupInstance | undefined> {
    const live = await liveGroupInstances(
      this.#reader,
      `principalId eq ${literal(principalId)}`,
      this.#now(),
    );
    return live.find((i) => isFor(i, target));
  }

  /** This access request's adminAssign/adminExtend requests for `target` that did not fail. */
  async #ours(principalId: string, target: Target, requestId: string): Promise<GroupRequest[]> {
    const all = await this.#reader.list<GroupRequest>(REQUESTS, 'groupAssignments', {
      filter: `principalId eq ${literal(principalId)}`,
    });
    return all.filter(
      (r) =>
        (r.action === 'adminAssign' || r.action === 'adminExtend') &&
        isFor(r, target) &&
        !DEAD.has(r.status ?? '') &&
        marks(r.justification, requestId),
    );
  }

  #schedule(grant: GrantRequest, seconds: number) {
    return {
      accessId: grant.target.access ?? 'member',
      principalId: grant.principalId,
      groupId: grant.target.id,
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

  #granted(request: GroupRequest, target: Target, endsAt: number) {
    if (request.status === undefined || GRANTED.has(request.status)) return ok({ endsAt });
    return err(
      appError('graph.not_granted', { role: targetLabel(target), status: request.status }),
    );
  }

  #refused(failure: GraphFailure, target: Target): AppError {
    const known = refusal(failure, 'groupActivate', targetLabel(target));
    if (known) return known;
    this.#log?.warn(
      { code: failure.code, status: failure.status, detail: failure.message, group: target.id },
      'Entra refused a PIM for Groups request',
    );
    return appError('graph.rejected', { role: targetLabel(target), code: failure.code });
  }

  async #send(body: Record<string, unknown>): Promise<Sent> {
    try {
      return { ok: true, request: await this.#reader.client.api(REQUESTS).post(body) };
    } catch (error) {
      return { ok: false, failure: this.#reader.failureOrThrow(error) };
    }
  }
}

/**
 * Whether the live assignment is the one our requests made. Without a visible instance yet
 * (Graph replicates with a delay) our request is the evidence.
 */
function isOurs(live: GroupInstance | undefined, ours: readonly GroupRequest[]): boolean {
  if (ours.length === 0) return false;
  if (!live) return true;
  if (isStandingGroup(live)) return false;
  const schedules = ours.flatMap((r) => (r.targetScheduleId ? [r.targetScheduleId] : []));
  return !live.assignmentScheduleId || schedules.length === 0
    ? true
    : schedules.includes(live.assignmentScheduleId);
}
