/**
 * The start-up refusals that keep a configuration safe (bot/config.ts reads the environment,
 * these say no to combinations that would expose the bot or its Redis), and the masking that
 * keeps secrets out of their messages.
 */
import type { Env } from './config-schema.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * `scheme://user:password@host` → `scheme://***@host`: everything before the last `@` goes,
 * parseable URL or not (`default:pw@cache:6380` too), so an error message about REDIS_URL
 * never prints its password.
 */
export function maskUserinfo(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? '';
  return `${scheme}***${text.slice(at)}`;
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: reachable from this machine only. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** Variables that talk to a real Slack workspace, Teams bot or Entra tenant. */
const PRODUCTION_CREDENTIALS = [
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'MICROSOFT_APP_ID',
  'MICROSOFT_APP_PASSWORD',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_FEDERATED_TOKEN_FILE',
] as const satisfies readonly (keyof Env)[];

export function refuseUnsafeCombinations(e: Env): void {
  if (e.TEAMS_ALLOW_UNAUTHENTICATED) {
    const set = PRODUCTION_CREDENTIALS.filter((k) => e[k] !== undefined);
    if (set.length > 0) {
      throw new ConfigError(
        `TEAMS_ALLOW_UNAUTHENTICATED=true is refused because ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set: unauthenticated Teams is for local emulators against the sandbox only. Unset it and give the bot MICROSOFT_APP_ID (README: Teams), or unset the credentials.`,
      );
    }
  }
  if (e.PUBLIC_URL) {
    const url = new URL(e.PUBLIC_URL);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
      throw new ConfigError(
        `PUBLIC_URL=${JSON.stringify(maskUserinfo(e.PUBLIC_URL))} is refused: links people follow from chat must be https outside this machine. Put the bot behind TLS and set PUBLIC_URL=https://…`,
      );
    }
  }
  for (const name of ['PAGERDUTY_BASE_URL', 'OPSGENIE_BASE_URL'] as const) {
    const value = e[name];
    if (value && new URL(value).protocol !== 'https:' && !isLoopbackHost(new URL(value).hostname))
      throw new ConfigError(
        `${name}=${JSON.stringify(maskUserinfo(value))} is refused: the API token would travel unencrypted. Use https:// (http:// is for stand-ins on this machine only).`,
      );
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError(
      `METRICS_PORT=${e.METRICS_PORT} is the same as PORT: give /metrics a port of its own, or unset METRICS_PORT to serve it on PORT.`,
    );
  }
}

/** Shortest ELEVATE_HMAC_KEY accepted: 32 characters, 48 random bytes in base64 is plenty. */
const MIN_HMAC_KEY = 32;

/**
 * Redis is a trust boundary: whoever can write it could otherwise rewrite requests and grants.
 * Production (any real credential set) needs a Redis that asks for a password or speaks TLS,
 * unless REDIS_INSECURE=true says the risk is taken on purpose, and a key to seal with.
 */
export function productionRedis(e: Env): void {
  const redis = new URL(e.REDIS_URL);
  if (redis.protocol !== 'rediss:' && redis.password === '' && !e.REDIS_INSECURE) {
    throw new ConfigError(
      `REDIS_URL (${redis.host}) has neither a password nor TLS: whoever reaches that Redis can rewrite requests and grants. Use rediss://… or redis://:<password>@${redis.host}, or set REDIS_INSECURE=true if only the bot can reach it.`,
    );
  }
  if (!e.ELEVATE_HMAC_KEY) {
    throw new ConfigError(
      'ELEVATE_HMAC_KEY is missing: it seals what the bot keeps in Redis and chains the audit trail. Set it to a random secret of 32 or more characters (openssl rand -base64 48), the same for every replica; in Container Apps, a Key Vault secret reference.',
    );
  }
  if (e.ELEVATE_HMAC_KEY.length < MIN_HMAC_KEY) {
    throw new ConfigError(
      `ELEVATE_HMAC_KEY=(hidden) is too short: use ${MIN_HMAC_KEY} or more random characters (openssl rand -base64 48).`,
    );
  }
}
