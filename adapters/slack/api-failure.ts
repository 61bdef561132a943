/**
 * The Slack Web API client's errors (platform error, HTTP error, network, rate limit) as the
 * catalogue's `chat.unavailable`, with Slack's own error string for the log.
 */
import { appError } from '../../bot/core/errors.ts';
import { ServiceError } from '../../bot/core/service-error.ts';

export function slackApiFailure(error: unknown): ServiceError | null {
  if (!(error instanceof Error)) return null;
  const e = error as Error & { code?: unknown; data?: { error?: unknown } };
  if (typeof e.code !== 'string' || !e.code.startsWith('slack_')) return null;
  return new ServiceError(appError('chat.unavailable'), {
    cause: error,
    message: `Slack Web API call failed: ${e.message}`,
    fields: {
      service: 'slack',
      slackCode: e.code,
      slackError: typeof e.data?.error === 'string' ? e.data.error : null,
    },
  });
}
