/**
 * The only reader of process.env (STYLE.md rule 7). Everything the bot can be told from the
 * environment is here, validated at start-up; a bad value stops the process with one line
 * naming the variable.
 */
import { z } from 'zod';
import type { AzureSettings } from '../adapters/graph/settings.ts';
import type { SlackSettings } from '../adapters/slack/settings.ts';
import { TEAMS_APP_TYPES, type TeamsSettings } from '../adapters/teams/settings.ts';

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
const optionalUrl = (protocols: readonly string[]) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    url(protocols).optional(),
  );

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const schema = z.object({
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
  AZURE_TENANT_ID: optionalText,
  AZURE_CLIENT_ID: optionalText,
  AZURE_CLIENT_SECRET: optionalText,
  AZURE_CLIENT_CERTIFICATE_PATH: optionalText,
  AZURE_FEDERATED_TOKEN_FILE: optionalText,
  AZURE_AUTHORITY_HOST: optionalUrl(['https:']),
  GRAPH_BASE_URL: optionalUrl(['https:']),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(
      /^(\{[A-Za-z0-9_.-]+\}|[A-Za-z0-9_.-]+)$/,
      'must be letters, digits, `_.-`, optionally in one {hash tag}',
    )
    .default('elevate'),
  REDIS_CLUSTER_NODES: optionalText.refine(
    (v) =>
      v === undefined ||
      v.split(',').every((n) => HOST_PORT.test(n.trim()) && Number(n.split(':')[1]) <= 65_535),
    'must be a comma-separated list of host:port seed nodes of the Redis Cluster',
  ),
  POLICY_FILE: z.string().trim().min(1).default('./policy.yaml'),
  SIEM_SECRET: optionalText,
  PUBLIC_URL: optionalUrl(['https:', 'http:']),
  PORT: z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65_535, 'must be a port number from 0 to 65535')
    .default(3978),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ELEVATE_PROCESS: z.enum(['all', 'web', 'worker']).default('all'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  /** Each platform's own settings type; null when it is not configured. */
  readonly slack: SlackSettings | null;
  readonly teams: TeamsSettings | null;
  readonly azure: AzureSettings | null;
  readonly redis: {
    readonly url: string;
    readonly prefix: string;
    /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); REDIS_URL then gives credentials and TLS. */
    readonly clusterNodes?: readonly { readonly host: string; readonly port: number }[];
  };
  readonly policyFile: string;
  /** HMAC key for forwarding audit events to the SIEM (policy `siem.url`). */
  readonly siemSecret?: string;
  /** Where people reach this bot from outside (https://elevate.contoso.com): export links. */
  readonly publicUrl?: string;
  readonly port: number;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly process: Env['ELEVATE_PROCESS'];
  /** No chat platform and no Azure credentials: run the local sandbox. */
  readonly sandbox: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment (process.env by default). Throws ConfigError naming the variable. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  const known = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]]));
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const shown = name.match(/SECRET|PASSWORD|TOKEN/)
      ? '(hidden)'
      : JSON.stringify(env[name] ?? '');
    throw new ConfigError(
      `${name}=${shown} is invalid: ${issue?.message ?? 'unreadable'}. Fix it in the environment and start again.`,
    );
  }
  return fromEnv(parsed.data);
}

function fromEnv(e: Env): Config {
  const slack: SlackSettings | null =
    e.SLACK_SIGNING_SECRET || e.SLACK_BOT_TOKEN || e.SLACK_APP_TOKEN
      ? {
          signingSecret: e.SLACK_SIGNING_SECRET,
          botToken: e.SLACK_BOT_TOKEN,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
        }
      : null;
  if (slack && !slack.botToken) {
    throw new ConfigError(
      'SLACK_BOT_TOKEN is missing: Slack needs the bot token (xoxb-…) as well. Set it, or unset the other SLACK_* variables.',
    );
  }
  if (slack && !slack.signingSecret && !slack.appToken) {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET is missing: without it Slack requests cannot be verified. Set it, or set SLACK_APP_TOKEN for Socket Mode.',
    );
  }
  const teamsOn = Boolean(e.MICROSOFT_APP_ID) || e.TEAMS_ALLOW_UNAUTHENTICATED;
  const teams: TeamsSettings | null = teamsOn
    ? {
        appId: e.MICROSOFT_APP_ID,
        appPassword: e.MICROSOFT_APP_PASSWORD,
        tenantId: e.MICROSOFT_APP_TENANT_ID,
        appType: e.MICROSOFT_APP_TYPE,
        serviceUrl: e.TEAMS_SERVICE_URL,
        allowUnauthenticated: e.TEAMS_ALLOW_UNAUTHENTICATED,
        openIdMetadata: e.BOT_OPENID_METADATA,
      }
    : null;
  if (teams?.appId && teams.appType === 'SingleTenant' && !teams.tenantId) {
    throw new ConfigError(
      'MICROSOFT_APP_TENANT_ID is missing: a SingleTenant bot needs its tenant id. Set it, or set MICROSOFT_APP_TYPE=MultiTenant.',
    );
  }
  const azure: AzureSettings | null =
    e.AZURE_TENANT_ID || e.AZURE_CLIENT_ID
      ? {
          tenantId: e.AZURE_TENANT_ID,
          clientId: e.AZURE_CLIENT_ID,
          clientSecret: e.AZURE_CLIENT_SECRET,
          certificatePath: e.AZURE_CLIENT_CERTIFICATE_PATH,
          federatedTokenFile: e.AZURE_FEDERATED_TOKEN_FILE,
          authorityHost: e.AZURE_AUTHORITY_HOST,
          graphBaseUrl: e.GRAPH_BASE_URL,
        }
      : null;
  if (azure && !azure.tenantId) {
    throw new ConfigError(
      'AZURE_TENANT_ID is missing: Graph needs the tenant id with AZURE_CLIENT_ID. Set both, or neither for the sandbox.',
    );
  }
  if ((slack || teams) && !azure) {
    throw new ConfigError(
      'AZURE_TENANT_ID and AZURE_CLIENT_ID are missing: a chat platform is configured but elevate needs Microsoft Graph to grant roles. Set them (README: app registration), or unset the chat variables for the sandbox.',
    );
  }
  const clusterNodes = e.REDIS_CLUSTER_NODES?.split(',').map((node) => {
    const [host = '', port = ''] = node.trim().split(':');
    return { host, port: Number(port) };
  });
  if (clusterNodes && !/^\{[^}]+\}$/.test(e.REDIS_PREFIX)) {
    throw new ConfigError(
      `REDIS_PREFIX=${JSON.stringify(e.REDIS_PREFIX)} is invalid with REDIS_CLUSTER_NODES: on Redis Cluster the prefix must be one hash tag such as {elevate}, so that a request, its indexes and its audit entry share a slot. Set REDIS_PREFIX={elevate}.`,
    );
  }
  return {
    slack,
    teams,
    azure,
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX, ...(clusterNodes ? { clusterNodes } : {}) },
    policyFile: e.POLICY_FILE,
    ...(e.SIEM_SECRET ? { siemSecret: e.SIEM_SECRET } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/, '') } : {}),
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    process: e.ELEVATE_PROCESS,
    sandbox: !slack && !teams && !azure,
  };
}
