/**
 * What a chat interaction that threw tells the person, the same on every platform: the
 * catalogue message for the failure (a ServiceError's, or "something went wrong" for a bug)
 * with a fresh correlation id, which the one log line about it carries too. Platform glue
 * (slack/guard.ts, teams/guard.ts) delivers the message; this decides it and logs it.
 */
import { randomBytes } from 'node:crypto';
import { type AppError, appError, withReference } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { ServiceError } from '../../bot/core/service-error.ts';
import { redisUnavailable } from '../redis/unavailable.ts';

/** Recognises a platform's own errors (Slack Web API, Bot Connector) as ServiceErrors. */
export type Classifier = (error: unknown) => ServiceError | null;

export interface Failure {
  readonly correlationId: string;
  /** The catalogue error with `reference` set to the correlation id. */
  readonly error: AppError;
}

/** Short enough to read out or type, unique enough to find one log line. */
export const newCorrelationId = (): string => randomBytes(6).toString('hex');

function classify(error: unknown, classifiers: readonly Classifier[]): ServiceError | null {
  if (error instanceof ServiceError) return error;
  for (const known of [redisUnavailable, ...classifiers]) {
    const found = known(error);
    if (found) return found;
  }
  return null;
}

/**
 * Logs the failure once (correlation id, catalogue code, where it happened, the error's safe
 * fields; never request bodies or tokens) and returns what to show the person.
 */
export function reportFailure(
  log: Logger,
  error: unknown,
  where: Readonly<Record<string, string>>,
  classifiers: readonly Classifier[] = [],
): Failure {
  const correlationId = newCorrelationId();
  const known = classify(error, classifiers);
  const shown = known?.appError ?? appError('internal.unexpected');
  const e = error instanceof Error ? error : new Error(String(error));
  log.error(
    {
      correlationId,
      code: shown.code,
      ...where,
      ...known?.fields,
      err: { name: e.name, message: e.message, ...(known ? {} : { stack: e.stack }) },
    },
    known ? 'chat interaction failed: outside service' : 'chat interaction failed: bug',
  );
  return { correlationId, error: withReference(shown, correlationId) };
}
