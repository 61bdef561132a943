/**
 * Catalogue errors in Slack's terms. The core's catalogue is platform-neutral; where Slack
 * names the fix (a profile field, an OAuth scope), it is said here, by code. The reference,
 * when there is one, is kept.
 */
import { type AppError, type ErrorCode, errorText } from '../../bot/core/errors.ts';

const SLACK_WORDING: Partial<Record<ErrorCode, string>> = {
  'identity.no_email':
    'Your Slack profile shows no email address, so I cannot tell who you are in Entra ID. Ask a Slack admin to make emails visible to apps (scope users:read.email), or ask the bot administrators to map you in policy.yaml `identities`.',
};

export const slackErrorText = (error: AppError): string =>
  errorText({ ...error, message: SLACK_WORDING[error.code] ?? error.message });
