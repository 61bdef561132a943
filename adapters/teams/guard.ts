/**
 * Teams' side of the failure handling (see chat/failures.ts): a turn or invoke that throws is
 * logged once with a correlation id and answered with the catalogue message carrying it, as a
 * message for a turn, and as the invoke's card (the current card with the notice on top) for
 * a card action, instead of reaching `onTurnError` unheard.
 */
import type { TurnContext } from 'botbuilder';
import type { AppError } from '../../bot/core/errors.ts';
import { appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { ServiceError } from '../../bot/core/service-error.ts';
import { type Failure, reportFailure } from '../chat/failures.ts';

/** Bot Connector REST errors (botframework-connector's RestError) as `chat.unavailable`. */
function connectorFailure(error: unknown): ServiceError | null {
  if (!(error instanceof Error) || error.name !== 'RestError') return null;
  const status = (error as Error & { statusCode?: unknown }).statusCode;
  return new ServiceError(appError('chat.unavailable'), {
    cause: error,
    message: `Bot Connector call failed: ${error.message}`,
    fields: { service: 'teams', status: typeof status === 'number' ? status : null },
  });
}

export function teamsFailure(
  log: Logger,
  context: TurnContext,
  handler: string,
  error: unknown,
): Failure {
  const user = context.activity.from?.aadObjectId;
  return reportFailure(log, error, { platform: 'teams', handler, ...(user ? { user } : {}) }, [
    connectorFailure,
  ]);
}

/** Runs a turn; on a throw, tells the person with `answer` (a message), logging if that fails. */
export async function guardedTurn(
  log: Logger,
  context: TurnContext,
  handler: string,
  work: () => Promise<void>,
  answer: (error: AppError) => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const failure = teamsFailure(log, context, handler, error);
    await answer(failure.error).catch((told: unknown) =>
      log.warn(
        { correlationId: failure.correlationId, err: (told as Error).message },
        'teams: could not tell the person about a failure',
      ),
    );
  }
}
