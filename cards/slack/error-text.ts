/**
 * Catalogue errors in Slack's terms. The core's catalogue is platform-neutral; where Slack
 * names the fix (a profile field, an OAuth scope), it is said here, by code. The reference,
 * when there is one, is kept.
 */
import { type AppError, type ErrorCode, errorText } from '../../bot/core/errors.ts';

const SLACK_WORDING: Partial<Record<ErrorCode, string>> = {
  'identity.no_email':
    'Your Slack profile shows no email address, so I cannot tell who you are in Entra ID. Ask a Slack admin to make emails visible to apps (scope users:read.email), or ask the bot administrators to map you in policy.yaml `identities`.',
  'identity.email_unconfirmed':
    'Slack has not confirmed the email on your Slack profile, so it cannot tell who you are in Entra ID. Confirm your email address in your Slack account settings (Account → Email), or ask the bot administrators to map you in policy.yaml `identities`.',
  'identity.foreign_workspace':
    'elevate acts only for members of the Slack workspace it is installed in. You are in another workspace or reach this one through a shared (Slack Connect) channel: ask from your account in that workspace.',
};

export const slackErrorText = (error: AppError): string =>
  errorText({ ...error, message: SLACK_WORDING[error.code] ?? error.message });
