/**
 * ioredis' ways of saying Redis cannot be reached, as the catalogue's `service.unavailable`.
 * The request client fails fast (no offline queue, one retry; see connection.ts), so these
 * reach a chat handler within a couple of seconds and the person hears "try again".
 */
import { appError } from '../../bot/core/errors.ts';
import { ServiceError } from '../../bot/core/service-error.ts';

const UNREACHABLE = [
  /enableOfflineQueue options is false/,
  /^Connection is closed\.?$/,
  /Reached the max retries per request limit/,
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\b.*6379|connect ETIMEDOUT/,
];

export function redisUnavailable(error: unknown): ServiceError | null {
  if (!(error instanceof Error)) return null;
  const unreachable =
    error.name === 'MaxRetriesPerRequestError' || UNREACHABLE.some((p) => p.test(error.message));
  return unreachable
    ? new ServiceError(appError('service.unavailable'), {
        cause: error,
        message: `Redis unavailable: ${error.message}`,
        fields: { service: 'redis' },
      })
    : null;
}
