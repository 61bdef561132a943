/**
 * Who hears about which change, the same on every platform, and running a change's steps so
 * that one failed post does not stop the others (chat trouble never undoes a decision).
 */
import type { RequestChange } from '../../bot/core/ports/notifier.ts';
import type { Logger } from '../../bot/log.ts';

/** Changes the security channel hears about. */
export const SECURITY_CHANGES: ReadonlySet<RequestChange> = new Set([
  'activated',
  'denied',
  'failed',
  'ended',
  'approval_expired',
  'escalated',
]);

/** Changes the requester hears about directly (their own actions are answered where they acted). */
export const REQUESTER_CHANGES: ReadonlySet<RequestChange> = new Set([
  'approved',
  'denied',
  'approval_expired',
  'escalated',
  'scheduled',
  'activated',
  'failed',
  'reminder',
  'ended',
]);

export async function runSteps(
  steps: readonly (() => Promise<void>)[],
  log: Logger,
  context: Record<string, unknown>,
): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      log.error(
        { ...context, err: error instanceof Error ? error.message : String(error) },
        'notification failed',
      );
    }
  }
}
