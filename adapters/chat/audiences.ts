/**
 * Who hears about which change, the same on every platform, and running a change's steps so
 * that one failed post does not stop the others.
 */
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { RequestChange } from '../../bot/core/ports/notifier.ts';
import type { Logger } from '../../bot/log.ts';

/** Names one change of one request, for done-keys and notify job ids. */
export const occurrenceOf = (request: AccessRequest, change: RequestChange): string =>
  `${request.id}-${change}-v${request.version}`;

/** Changes that post the approval card to (new) approvers; every other change updates it. */
export const postsApprovalCard = (change: RequestChange): boolean =>
  change === 'submitted' || change === 'escalated';

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
  'extension_approved',
  'extension_denied',
]);

/**
 * Runs every step even when one fails (one bad channel must not silence the others), then
 * throws the first failure so the notify job is retried; done-keys make the retry skip what
 * was already sent.
 */
export async function runSteps(
  steps: readonly (() => Promise<void>)[],
  log: Logger,
  context: Record<string, unknown>,
): Promise<void> {
  let first: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      first ??= error;
      log.warn(
        { ...context, err: error instanceof Error ? error.message : String(error) },
        'notification step failed',
      );
    }
  }
  if (first !== null) throw first;
}

/** The one-line messages a busy channel collected, as one message's lines. */
export function digestLines(lines: readonly string[], more: boolean): string[] {
  const head = `${lines.length}${more ? '+' : ''} updates arrived while this channel was busy:`;
  return [head, ...lines.map((line) => `• ${line}`)];
}
