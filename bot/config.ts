/**
 * The only reader of process.env (STYLE.md rule 7). Everything the bot can be told from the
 * environment is here, validated at start-up; a bad value stops the process with one line
 * naming the variable.
 */
import type { AzureSettings } from '../adapters/graph/settings.ts';
import type { SlackSettings } from '../adapters/slack/settings.ts';
import type { TeamsSettings } from '../adapters/teams/settings.ts';
import {
  ConfigError,
  maskUserinfo,
  productionRedis,
  refuseUnsafeCombinations,
} from './config-checks.ts';
import { type Env, schema } from './config-schema.ts';

export { ConfigError, isLoopbackHost, maskUserinfo } from './config-checks.ts';
export { ENV_NAMES, type Env } from './config-schema.ts';

export interface Config {
  /** Each platform's own settings type; null when it is not configured. */
  readonly slack: SlackSettings | null;
  readonly teams: TeamsSettings | null;
  readonly azure: AzureSettings | null;
  readonly redis: {
    readonly url: string;
    readonly prefix: string;
    /** REDIS_PREFIX was set: the sandbox then works under it instead of its own prefix. */
    readonly prefixSet?: boolean;
    /** REDIS_INSECURE=true: production on a Redis without a password or TLS, on purpose. */
    readonly insecure: boolean;
    /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); REDIS_URL then gives credentials and TLS. */
    readonly clusterNodes?: readonly { readonly host: string; readonly port: number }[];
  };
  /**
   * The secret behind every seal in Redis and the audit chain's HMAC (ELEVATE_HMAC_KEY);
   * absent only in the sandbox, which derives a key of its own.
   */
  readonly hmacKey?: string;
  /** Record the audit chain's head outside Redis (a log line) every this many entries. */
  readonly auditAnchorEvery: number;
  readonly policyFile: string;
  /** On-call services for policy approval.autoApprove.onCall; a provider is set with its token. */
  readonly onCall: {
    readonly pagerduty?: { readonly token: string; readonly baseUrl: string };
    readonly opsgenie?: { readonly token: string; readonly baseUrl: string };
  };
  /** HMAC key for forwarding audit events to the SIEM (policy `siem.url`). */
  readonly siemSecret?: string;
  /** Where people reach this bot from outside (https://elevate.contoso.com): export links. */
  readonly publicUrl?: string;
  readonly port: number;
  /**
   * Listen on this address only. 127.0.0.1 when Teams runs unauthenticated; all interfaces
   * otherwise.
   */
  readonly host?: string;
  /** Where /metrics is served: on PORT (default) or its own port; a bearer token guards it. */
  readonly metrics: { readonly port?: number; readonly token?: string };
  /** Log lines keep reasons, text, names and emails only when this is on (LOG_BODIES=true). */
  readonly logBodies: boolean;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly process: Env['ELEVATE_PROCESS'];
  /** No chat platform and no Azure credentials: run the local sandbox. */
  readonly sandbox: boolean;
}

/** Parses an environment (process.env by default). Throws ConfigError naming the variable. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  // Empty values count as unset, so a blank PORT or POLICY_FILE takes its default.
  const known = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k]?.trim() === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const shown = name.match(/SECRET|PASSWORD|TOKEN/)
      ? '(hidden)'
      : JSON.stringify(maskUserinfo(env[name] ?? ''));
    throw new ConfigError(
      `${name}=${shown} is invalid: ${issue?.message ?? 'unreadable'}. Fix it in the environment and start again.`,
    );
  }
  return fromEnv(parsed.data);
}

function fromEnv(e: Env): Config {
  refuseUnsafeCombinations(e);
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
        loginUrl: e.BOT_LOGIN_URL,
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
          armBaseUrl: e.ARM_BASE_URL,
        }
      : null;
  if (azure && !azure.tenantId) {
    throw new ConfigError(
      'AZURE_TENANT_ID is missing: Graph needs the tenant id with AZURE_CLIENT_ID. Set both, or neither for the sandbox.',
    );
  }
  // Unauthenticated Teams (refused above beside any credential) runs against the sandbox.
  const sandbox = !slack && !azure && (!teams || teams.allowUnauthenticated);
  if ((slack || teams) && !azure && !sandbox) {
    throw new ConfigError(
      'AZURE_TENANT_ID and AZURE_CLIENT_ID are missing: a chat platform is configured but elevate needs Microsoft Graph to grant roles. Set them (README: app registration), or unset the chat variables for the sandbox.',
    );
  }
  const clusterNodes = e.REDIS_CLUSTER_NODES?.split(',').map((node) => {
    const [host = '', port = ''] = node.trim().split(':');
    return { host, port: Number(port) };
  });
  if (clusterNodes && !/^\{[^}]+\}$/.test(e.REDIS_PREFIX ?? '')) {
    throw new ConfigError(
      `REDIS_PREFIX=${JSON.stringify(e.REDIS_PREFIX ?? 'elevate')} is invalid with REDIS_CLUSTER_NODES: on Redis Cluster the prefix must be one hash tag such as {elevate}, so that a request, its indexes and its audit entry share a slot. Set REDIS_PREFIX={elevate}.`,
    );
  }
  if (!sandbox) productionRedis(e);
  if (!sandbox && e.LOG_LEVEL === 'silent') {
    throw new ConfigError(
      "LOG_LEVEL=silent is refused outside the sandbox: the audit chain's anchors (AUDIT_ANCHOR_EVERY) are log lines, and without them `npm run audit:verify` cannot tell a truncated or reset trail. Use LOG_LEVEL=error or above.",
    );
  }
  return {
    slack,
    teams,
    azure,
    redis: {
      url: e.REDIS_URL,
      prefix: e.REDIS_PREFIX ?? 'elevate',
      insecure: e.REDIS_INSECURE,
      ...(e.REDIS_PREFIX ? { prefixSet: true } : {}),
      ...(clusterNodes ? { clusterNodes } : {}),
    },
    ...(e.ELEVATE_HMAC_KEY ? { hmacKey: e.ELEVATE_HMAC_KEY } : {}),
    auditAnchorEvery: e.AUDIT_ANCHOR_EVERY,
    policyFile: e.POLICY_FILE,
    onCall: {
      ...(e.PAGERDUTY_TOKEN
        ? {
            pagerduty: {
              token: e.PAGERDUTY_TOKEN,
              baseUrl: e.PAGERDUTY_BASE_URL ?? 'https://api.pagerduty.com',
            },
          }
        : {}),
      ...(e.OPSGENIE_TOKEN
        ? {
            opsgenie: {
              token: e.OPSGENIE_TOKEN,
              baseUrl: e.OPSGENIE_BASE_URL ?? 'https://api.opsgenie.com',
            },
          }
        : {}),
    },
    ...(e.SIEM_SECRET ? { siemSecret: e.SIEM_SECRET } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/, '') } : {}),
    port: e.PORT,
    ...(teams?.allowUnauthenticated ? { host: '127.0.0.1' } : {}),
    metrics: {
      ...(e.METRICS_PORT !== undefined ? { port: e.METRICS_PORT } : {}),
      ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}),
    },
    logBodies: e.LOG_BODIES,
    logLevel: e.LOG_LEVEL,
    process: e.ELEVATE_PROCESS,
    sandbox,
  };
}
