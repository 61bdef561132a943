/**
 * Running a change's steps so that one failed post does not stop the others, and the wording
 * of a digest. Who hears about which change is a core rule (bot/core/domain/audiences.ts).
 */
import type { Logger } from '../../bot/core/ports/logger.ts';

export {
  occurrenceOf,
  postsApprovalCard,
  REQUESTER_CHANGES,
  SECURITY_CHANGES,
} from '../../bot/core/domain/audiences.ts';

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
