/**
 * Puts every open request's timers back, and ends grants that outlived their end: after a
 * Redis restore, a lost job, or a worker that died mid-activation, the store stays the truth
 * and nothing that should happen later is lost. Scheduling is idempotent (deterministic job
 * ids), so running this often costs nothing.
 */
import type { AccessRequest } from '../domain/request.ts';
import { targetLabel } from '../domain/target.ts';
import { appError } from '../errors.ts';
import { activate } from './activate.ts';
import { pimDecided } from './delegated.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { markFailed } from './record.ts';

/** An activation older than this with no outcome is taken to be abandoned by a dead worker. */
const STALE_ACTIVATION_MS = 5 * 60_000;
/** How long PIM keeps a self-activation waiting for its approvers (24 hours in Entra). */
const PIM_APPROVAL_WINDOW_MS = 24 * 3_600_000;

export interface ReconcileReport {
  readonly checked: number;
  readonly rescheduled: number;
  readonly overdueEnded: readonly string[];
  readonly resumed: readonly string[];
}

export async function reconcile(deps: CoreDeps): Promise<ReconcileReport> {
  const open = await deps.store.listInStates([
    'pending_approval',
    'approved',
    'scheduled',
    'awaiting_mfa',
    'activating',
    'active',
  ]);
  const now = deps.clock.now();
  let rescheduled = 0;
  const overdueEnded: string[] = [];
  const resumed: string[] = [];
  for (const r of open) {
    switch (r.state) {
      case 'pending_approval':
        if (r.approval.timeoutAt !== null) {
          await deps.scheduler.schedule(
            r.approval.escalated ? 'escalation-timeout' : 'approval-timeout',
            r.id,
            r.approval.timeoutAt,
          );
          rescheduled += 1;
        }
        break;
      case 'approved':
      case 'scheduled':
        await deps.scheduler.schedule(
          'activate',
          r.id,
          r.startAt !== null && r.startAt > now ? r.startAt : now,
        );
        rescheduled += 1;
        break;
      case 'awaiting_mfa':
        await deps.scheduler.schedule('mfa-timeout', r.id, r.stepUp?.deadline ?? now);
        rescheduled += 1;
        break;
      case 'activating':
        // Held by PIM for its own approvers: not stuck, unless PIM's approval window is over.
        if (r.pimApproval && r.pimApproval.decision === null) {
          if (await followPim(deps, r)) resumed.push(r.id);
          else if (now - r.pimApproval.askedAt > PIM_APPROVAL_WINDOW_MS) {
            const role = targetLabel(r.pimApproval.target);
            const expired = appError('delegated.pim_expired', { role });
            await markFailed(deps, r.id, { code: expired.code, message: expired.message });
          }
          break;
        }
        if (now - r.updatedAt > STALE_ACTIVATION_MS) {
          await activate(deps, r.id, { resume: true });
          resumed.push(r.id);
        }
        break;
      case 'active':
        if (await endIfOverdue(deps, r, now)) overdueEnded.push(r.id);
        else if (r.endsAt !== null) {
          await scheduleEndTimers(deps, r, r.endsAt);
          // An extension waiting for the requester's MFA lapses at its deadline.
          if (r.extensionStepUp)
            await deps.scheduler.schedule('mfa-timeout', r.id, r.extensionStepUp.deadline);
          rescheduled += 1;
        }
        break;
    }
  }
  return { checked: open.length, rescheduled, overdueEnded, resumed };
}

/**
 * A self-activation PIM holds for its approvers, decided outside the chat (in the Entra
 * portal): the request follows what PIM says. True when it moved.
 */
async function followPim(deps: CoreDeps, r: AccessRequest): Promise<boolean> {
  const wait = r.pimApproval;
  const read = deps.delegated?.activationState;
  if (!wait || !read) return false;
  const pim = await read.call(deps.delegated, r.requester.id, wait.target, r.id);
  if (!pim.ok || pim.value.state === 'pending_approval' || pim.value.state === 'unknown')
    return false;
  const { endsAt } = pim.value;
  const followed = await pimDecided(
    deps,
    r.id,
    pim.value.state === 'granted',
    endsAt === undefined ? {} : { endsAt },
  );
  return followed.ok;
}

async function endIfOverdue(deps: CoreDeps, r: AccessRequest, now: number): Promise<boolean> {
  if (r.endsAt === null || r.endsAt > now) return false;
  const ended = await end(deps, r.id, 'overdue_removed', null);
  return ended.ok && ended.value.endReason === 'overdue_removed';
}
