/**
 * Reading PIM's Azure side for a principal: eligibility and assignment instances at each
 * configured scope (`assignedTo()` also returns those the principal holds through a group),
 * and this bot's own schedule requests by their derived names. A read ARM refuses throws
 * ArmRefusedError with the catalogue message.
 */

import { appError } from '../../bot/core/errors.ts';
import { literal } from '../graph/reader.ts';
import type { ArmInstance, ArmScheduleRequest } from './arm-types.ts';
import { distinct } from './arm-types.ts';
import type { ArmAnswer, ArmClient, ArmResource } from './client.ts';
import { type ArmCallKind, ArmRefusedError, refusal } from './errors.ts';

/** The value of a read, or the refusal thrown. */
export function readOrThrow<T>(answer: ArmAnswer<T>, kind: ArmCallKind, scope: string): T {
  if (answer.ok) return answer.body;
  const f = answer.failure;
  const refused =
    refusal(f, kind, scope, scope) ?? appError('arm.rejected', { role: scope, code: f.code });
  throw new ArmRefusedError(refused, { fields: { status: f.status, armCode: f.code } });
}

/**
 * Instances of `resource` the principal holds, seen from each of `scopes`, each once; with a
 * null principal, everybody's (the security scan's tenant-wide view).
 */
export async function instancesAt(
  client: ArmClient,
  scopes: readonly string[],
  resource: Extract<
    ArmResource,
    'roleEligibilityScheduleInstances' | 'roleAssignmentScheduleInstances'
  >,
  principalId: string | null,
): Promise<ArmInstance[]> {
  const kind = resource === 'roleEligibilityScheduleInstances' ? 'eligibility' : 'assignments';
  const answers = await Promise.allSettled(
    scopes.map(async (scope) => {
      const url = client.url(scope, resource);
      if (principalId !== null)
        url.searchParams.set('$filter', `assignedTo(${literal(principalId)})`);
      return readOrThrow(await client.list<ArmInstance>(url), kind, scope);
    }),
  );
  const out: ArmInstance[] = [];
  for (const a of answers) {
    if (a.status === 'rejected') throw a.reason;
    out.push(...a.value);
  }
  return distinct(out);
}

/** This bot's schedule request of that name at `scope`, or null when ARM has none. */
export async function requestNamed(
  client: ArmClient,
  scope: string,
  name: string,
): Promise<ArmScheduleRequest | null> {
  const answer = await client.send<ArmScheduleRequest>(
    'GET',
    client.url(scope, 'roleAssignmentScheduleRequests', name),
  );
  if (!answer.ok && answer.failure.status === 404) return null;
  return readOrThrow(answer, 'assignments', scope);
}
