/**
 * Structured logging. Every line about a request carries its `requestId` (use `forRequest`);
 * anything that looks like a credential is redacted wherever it appears in the object.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'botToken',
  'appToken',
  'password',
  'appPassword',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'secret',
  'authorization',
  'cookie',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'elevate' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export const forRequest = (log: Logger, requestId: string): Logger => log.child({ requestId });
