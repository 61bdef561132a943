/**
 * PIM's status of a self-activation schedule request, the same words in Graph and ARM, as the
 * core's SelfActivationState (delegated mode follows PIM's own approval with it).
 */
import type { SelfActivationState } from '../bot/core/ports/delegated-privileges.ts';

const GRANTED = new Set(['Granted', 'Provisioned', 'PendingProvisioning', 'ScheduleCreated']);
const ENDED = /denied|canceled|revoked|failed|timedout/i;

/** `mine`: the self-activations of one elevate request, oldest first; the last one counts. */
export function selfActivationState(
  mine: readonly { readonly status?: string | null }[],
): SelfActivationState {
  const status = mine.at(-1)?.status;
  if (!status) return { state: 'unknown' };
  if (status === 'PendingApproval') return { state: 'pending_approval' };
  if (GRANTED.has(status)) return { state: 'granted' };
  return { state: ENDED.test(status) ? 'denied' : 'unknown' };
}
