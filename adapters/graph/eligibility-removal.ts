/**
 * Ending an eligibility through PIM, for an eligibility review's Remove: adminRemove on
 * roleEligibilityScheduleRequests (directory roles) or on PIM for Groups
 * eligibilityScheduleRequests, sent once, refusals in the catalogue's words as grants are
 * (grants.ts, group-grants.ts). One already gone (`RoleAssignmentDoesNotExist`) is success.
 *
 * Afterwards the person may still be eligible through a group that holds the eligibility:
 * that is the group's, so the removal is refused naming the group. Graph is asked fresh, by
 * target: the groups that hold it, then which of them the person is in.
 */
import { type Target, targetLabel } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { type GraphFailure, GraphRefusedError, refusal } from './errors.ts';
import { current, ROLE_MANAGEMENT, type ScheduleInstance } from './graph-types.ts';
import { heldByGroup } from './group-eligibility.ts';
import { type GroupInstance, isFor, PIM_GROUPS } from './group-types.ts';
import { memberGroups } from './member-groups.ts';
import { type GraphReader, literal, segment } from './reader.ts';

const ROLE_REQUESTS = `${ROLE_MANAGEMENT}/roleEligibilityScheduleRequests`;
const GROUP_REQUESTS = `${PIM_GROUPS}/eligibilityScheduleRequests`;
/** Tells a group holding the eligibility from a user (group-eligibility.ts). */
const EXPAND_PRINCIPAL = 'principal($select=id)';
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class EligibilityRemoval {
  readonly #reader: GraphReader;
  readonly #now: () => number;
  readonly #log: Logger | undefined;

  constructor(reader: GraphReader, now: () => number, log?: Logger) {
    this.#reader = reader;
    this.#now = now;
    this.#log = log;
  }

  async end(
    principalId: string,
    target: Target,
    justification: string,
  ): Promise<Result<void, AppError>> {
    const group = target.kind === 'group';
    const failure = await this.#send(
      group ? GROUP_REQUESTS : ROLE_REQUESTS,
      group
        ? {
            action: 'adminRemove',
            principalId,
            groupId: target.id,
            accessId: target.access ?? 'member',
            justification,
          }
        : {
            action: 'adminRemove',
            principalId,
            roleDefinitionId: target.id,
            directoryScopeId: target.scope,
            justification,
          },
    );
    if (failure && failure.code !== 'RoleAssignmentDoesNotExist')
      return err(this.#refused(failure, target));
    const holders = group
      ? await this.#groupHolders(principalId, target)
      : await this.#roleHolders(principalId, target);
    const through = await this.#groupsOf(principalId, holders);
    if (through.length === 0) return ok(undefined);
    return err(
      appError('eligibility.held_through_group', {
        role: targetLabel(target),
        groups: await this.#names(through),
      }),
    );
  }

  /** The groups other than the principal that hold the directory role at the target's scope. */
  async #roleHolders(principalId: string, target: Target): Promise<string[]> {
    const all = await this.#reader.list<ScheduleInstance>(
      `${ROLE_MANAGEMENT}/roleEligibilityScheduleInstances`,
      'eligibility',
      { filter: `roleDefinitionId eq ${literal(target.id)}`, expand: EXPAND_PRINCIPAL },
    );
    const now = this.#now();
    return all
      .filter(
        (i) =>
          current(i, now) &&
          same(i.directoryScopeId || '/', target.scope) &&
          heldByGroup(i) &&
          !same(i.principalId, principalId),
      )
      .map((i) => i.principalId);
  }

  /** The groups other than the principal eligible for this membership or ownership. */
  async #groupHolders(principalId: string, target: Target): Promise<string[]> {
    const all = await this.#reader.list<GroupInstance & Pick<ScheduleInstance, 'principal'>>(
      `${PIM_GROUPS}/eligibilityScheduleInstances`,
      'groupEligibility',
      { filter: `groupId eq ${literal(target.id)}`, expand: EXPAND_PRINCIPAL },
    );
    const now = this.#now();
    return all
      .filter(
        (i) =>
          current(i, now) &&
          isFor(i, target) &&
          heldByGroup(i) &&
          !same(i.principalId, principalId),
      )
      .map((i) => i.principalId);
  }

  /** Which of `groups` the principal is in; none when it is no user (a group's own removal). */
  async #groupsOf(principalId: string, groups: readonly string[]): Promise<string[]> {
    if (groups.length === 0) return [];
    try {
      return [...(await memberGroups(this.#reader, principalId, groups))];
    } catch (error) {
      if (error instanceof GraphRefusedError && error.appError.code === 'graph.not_found')
        return [];
      throw error;
    }
  }

  /** Display names, for the reviewer to know which group to look at (the id when unknown). */
  async #names(groupIds: readonly string[]): Promise<string[]> {
    const names: string[] = [];
    for (const id of groupIds) {
      const g = await this.#reader.get<{ displayName?: string | null }>(
        `/groups/${segment(id)}`,
        'groups',
        { select: 'displayName' },
      );
      names.push(g?.displayName ?? id);
    }
    return names;
  }

  #refused(failure: GraphFailure, target: Target): AppError {
    const call = target.kind === 'group' ? 'groupEndEligibility' : 'endEligibility';
    const known = refusal(failure, call, targetLabel(target));
    if (known) return known;
    this.#log?.warn(
      { code: failure.code, status: failure.status, detail: failure.message, target: target.id },
      'Entra refused to end a PIM eligibility',
    );
    return appError('graph.rejected', { role: targetLabel(target), code: failure.code });
  }

  /** The failure of the POST, or null when Graph took it. Outages are thrown (failureOrThrow). */
  async #send(path: string, body: Record<string, unknown>): Promise<GraphFailure | null> {
    try {
      await this.#reader.client.api(path).post(body);
      return null;
    } catch (error) {
      return this.#reader.failureOrThrow(error);
    }
  }
}
