/**
 * Structured logging. Every line about a request carries its `requestId` (use `forRequest`);
 * anything that looks like a credential is redacted wherever it appears in the object. What
 * people wrote and who they are (reasons, message text, names, emails) is left out too,
 * unless LOG_BODIES=true: a debug log shipped to a log service must not become a second,
 * unaudited copy of every justification.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Logger as Log, LogFn } from './core/ports/logger.ts';

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

/** Fields of chat payloads and requests that carry what people wrote or who they are. */
const BODY_KEYS = [
  'reason',
  'justification',
  'denyReason',
  'text',
  'name',
  'displayName',
  'real_name',
  'realName',
  'display_name',
  'user_name',
  'username',
  'email',
  'mail',
  'upn',
  'userPrincipalName',
  'blocks',
  'attachments',
  'value',
  'values',
  'inputs',
];

const BODY_KEY_SET = new Set(BODY_KEYS);
const OMITTED = '[omitted: LOG_BODIES]';

/**
 * A copy of a log line's fields without what people wrote or who they are, at any depth: a
 * Slack modal's reason sits at `view.state.values.<block>.<action>.value`, deeper than
 * redaction paths reach.
 */
export function withoutBodies(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  if (depth > 12 || seen.has(value)) return '[deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => withoutBodies(v, depth + 1, seen));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      BODY_KEY_SET.has(k) ? OMITTED : withoutBodies(v, depth + 1, seen),
    ]),
  );
}

export interface LogOptions {
  /** LOG_BODIES=true: keep reasons, text and names in the log. */
  readonly bodies?: boolean;
}

export function createLogger(
  level: string,
  destination?: DestinationStream,
  options: LogOptions = {},
): Logger {
  return pino(
    {
      level,
      base: { service: 'elevate' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...(options.bodies
        ? {}
        : { formatters: { log: (fields) => withoutBodies(fields) as Record<string, unknown> } }),
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export const forRequest = (log: Logger, requestId: string): Logger => log.child({ requestId });

/**
 * A child logger made on its first line: per-HTTP-request loggers mostly write nothing, and
 * pino serialises (and redacts) a child's bindings when it is made.
 */
export function lazyChild(log: Log, bindings: Record<string, unknown>): Log {
  let made: Log | undefined;
  const child = () => {
    made ??= log.child(bindings);
    return made;
  };
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    (fields: object | string, message?: string) =>
      typeof fields === 'string' ? child()[level](fields) : child()[level](fields, message);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => child().child(more),
    isLevelEnabled: (level) => log.isLevelEnabled?.(level) ?? true,
  };
}
