/**
 * Reading back what PIM holds for a principal: current assignment instances, and the schedule
 * requests this bot made for one access request. A grant is recognised as ours by the
 * `elevate <requestId>` in its justification and by the schedule its request created, so a
 * POST retried after a lost response never grants twice and the bot never removes an
 * assignment somebody else made.
 */
import { parseDuration } from '../../bot/core/domain/duration.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import {
  current,
  type Dated,
  endOf,
  ROLE_MANAGEMENT,
  type ScheduleInstance,
  type ScheduleRequest,
} from './graph-types.ts';
import { type GraphReader, literal } from './reader.ts';

/** Request states after which the request made nothing that still stands. */
export const DEAD = new Set(['Canceled', 'Denied', 'Failed', 'Revoked']);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The mark the core writes into every justification (usecases/activate.ts `justification`). */
export const marks = (justification: string | null, requestId: string): boolean =>
  new RegExp(`(^|\\W)elevate ${escapeRegExp(requestId)}($|\\W)`).test(justification ?? '');

/** Time-bound PIM assignments end by themselves; standing ones (no end) never came from us. */
export const isStanding = (i: ScheduleInstance): boolean =>
  i.endDateTime === null && i.assignmentType !== 'Activated';

export async function liveInstances(
  reader: GraphReader,
  principalId: string,
  now: number,
): Promise<ScheduleInstance[]> {
  const all = await reader.list<ScheduleInstance>(
    `${ROLE_MANAGEMENT}/roleAssignmentScheduleInstances`,
    'assignments',
    { filter: `principalId eq ${literal(principalId)}` },
  );
  return all.filter((i) => current(i, now));
}

export const instanceFor = (
  instances: readonly ScheduleInstance[],
  target: Target,
): ScheduleInstance | undefined =>
  instances.find((i) => i.roleDefinitionId === target.id && i.directoryScopeId === target.scope);

/** This access request's adminAssign/adminExtend requests for `target` that did not fail. */
export async function ourRequests(
  reader: GraphReader,
  principalId: string,
  target: Target,
  requestId: string,
): Promise<ScheduleRequest[]> {
  const all = await reader.list<ScheduleRequest>(
    `${ROLE_MANAGEMENT}/roleAssignmentScheduleRequests`,
    'assignments',
    { filter: `principalId eq ${literal(principalId)}` },
  );
  return all.filter(
    (r) =>
      (r.action === 'adminAssign' || r.action === 'adminExtend') &&
      r.roleDefinitionId === target.id &&
      r.directoryScopeId === target.scope &&
      !DEAD.has(r.status ?? '') &&
      marks(r.justification, requestId),
  );
}

/**
 * Whether the live assignment is the one our requests made. Without a visible instance yet
 * (Graph replicates with a delay) our request is the evidence.
 */
export function isOurs(
  live: ScheduleInstance | undefined,
  ours: readonly ScheduleRequest[],
): boolean {
  if (ours.length === 0) return false;
  if (!live) return true;
  if (isStanding(live)) return false;
  const schedules = ours.flatMap((r) => (r.targetScheduleId ? [r.targetScheduleId] : []));
  return !live.roleAssignmentScheduleId || schedules.length === 0
    ? true
    : schedules.includes(live.roleAssignmentScheduleId);
}

/** When our grant ends: the instance's end, else the latest end our requests asked for. */
export function ourEnd(
  live: Dated | undefined,
  ours: readonly Pick<ScheduleRequest, 'scheduleInfo'>[],
): number | null {
  if (live) return endOf(live);
  const ends = ours.flatMap((r) => {
    const start = Date.parse(r.scheduleInfo?.startDateTime ?? '');
    const seconds = parseDuration(r.scheduleInfo?.expiration?.duration ?? '');
    return Number.isNaN(start) || seconds === null ? [] : [start + seconds * 1000];
  });
  return ends.length > 0 ? Math.max(...ends) : null;
}
