/**
 * The environment's schema: every variable the bot reads, its type and its error message.
 * config.ts turns a parsed environment into the Config; config-checks.ts refuses unsafe
 * combinations of it.
 */
import { z } from 'zod';
import { TEAMS_APP_TYPES } from '../adapters/teams/settings.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
const port = z.coerce
  .number({ error: 'must be a port number from 0 to 65535' })
  .int('must be a port number from 0 to 65535')
  .min(0, 'must be a port number from 0 to 65535')
  .max(65_535, 'must be a port number from 0 to 65535');
const optionalUrl = (protocols: readonly string[]) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    url(protocols).optional(),
  );

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const schema = z.object({
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith('xoxb-'),
    'must be a bot token starting with xoxb-',
  ),
  SLACK_APP_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith('xapp-'),
    'must be an app-level token starting with xapp-',
  ),
  SLACK_API_URL: optionalUrl(['https:', 'http:']),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: z.enum(TEAMS_APP_TYPES).default('SingleTenant'),
  TEAMS_SERVICE_URL: optionalUrl(['https:', 'http:']),
  TEAMS_ALLOW_UNAUTHENTICATED: bool.default(false),
  BOT_OPENID_METADATA: optionalUrl(['https:', 'http:']),
  BOT_LOGIN_URL: optionalUrl(['https:']),
  AZURE_TENANT_ID: optionalText,
  AZURE_CLIENT_ID: optionalText,
  AZURE_CLIENT_SECRET: optionalText,
  AZURE_CLIENT_CERTIFICATE_PATH: optionalText,
  AZURE_FEDERATED_TOKEN_FILE: optionalText,
  AZURE_AUTHORITY_HOST: optionalUrl(['https:']),
  GRAPH_BASE_URL: optionalUrl(['https:']),
  ARM_BASE_URL: optionalUrl(['https:']),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(
        /^(\{[A-Za-z0-9_.-]+\}|[A-Za-z0-9_.-]+)$/,
        'must be letters, digits, `_.-`, optionally in one {hash tag}',
      )
      .optional(),
  ),
  REDIS_INSECURE: bool.default(false),
  ELEVATE_HMAC_KEY: optionalText,
  AUDIT_ANCHOR_EVERY: z.coerce
    .number({ error: 'must be a whole number of entries, 1 or more' })
    .int('must be a whole number of entries, 1 or more')
    .min(1, 'must be a whole number of entries, 1 or more')
    .default(1),
  REDIS_CLUSTER_NODES: optionalText.refine(
    (v) =>
      v === undefined ||
      v.split(',').every((n) => HOST_PORT.test(n.trim()) && Number(n.split(':')[1]) <= 65_535),
    'must be a comma-separated list of host:port seed nodes of the Redis Cluster',
  ),
  PAGERDUTY_TOKEN: optionalText,
  PAGERDUTY_BASE_URL: optionalUrl(['https:', 'http:']),
  OPSGENIE_TOKEN: optionalText,
  OPSGENIE_BASE_URL: optionalUrl(['https:', 'http:']),
  POLICY_FILE: z.string().trim().min(1).default('./policy.yaml'),
  SIEM_SECRET: optionalText,
  PUBLIC_URL: optionalUrl(['https:', 'http:']),
  PORT: port.default(3978),
  METRICS_PORT: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    port.optional(),
  ),
  METRICS_TOKEN: optionalText.refine(
    (v) => v === undefined || v.length >= 16,
    'must be at least 16 characters (e.g. `openssl rand -hex 32`)',
  ),
  LOG_BODIES: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ELEVATE_PROCESS: z.enum(['all', 'web', 'worker']).default('all'),
});

export type Env = z.infer<typeof schema>;

/** Every variable this file reads, for `--help`, `.env.example` and their tests. */
export const ENV_NAMES: readonly string[] = Object.keys(schema.shape);
