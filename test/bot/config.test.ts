import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';

const KEY = 'k'.repeat(32);
const AZURE = {
  AZURE_TENANT_ID: 't',
  AZURE_CLIENT_ID: 'c',
  REDIS_URL: 'rediss://redis.contoso.example:6380',
  ELEVATE_HMAC_KEY: KEY,
};

const fails = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to fail');
};

describe('loadConfig', () => {
  it('starts the sandbox with documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      sandbox: true,
      slack: null,
      teams: null,
      azure: null,
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'elevate' },
      policyFile: './policy.yaml',
      port: 3978,
      logLevel: 'info',
      process: 'all',
    });
  });

  it('names the variable and the fix in one line for a bad value', () => {
    const message = fails({ PORT: 'eighty' });
    expect(message).toMatch(
      /^PORT="eighty" is invalid: .+\. Fix it in the environment and start again\.$/,
    );
    expect(message).not.toContain('\n');
    expect(fails({ ELEVATE_PROCESS: 'both' })).toMatch(/^ELEVATE_PROCESS="both" is invalid/);
    expect(fails({ REDIS_URL: 'localhost:6379' })).toMatch(/^REDIS_URL=.*redis:\/\//);
    expect(fails({ GRAPH_BASE_URL: 'http://graph.local' })).toMatch(/^GRAPH_BASE_URL=.*https:\/\//);
    expect(fails({ TEAMS_ALLOW_UNAUTHENTICATED: 'maybe' })).toMatch(
      /^TEAMS_ALLOW_UNAUTHENTICATED=/,
    );
  });

  it('never prints a secret it refuses', () => {
    const message = fails({ SLACK_BOT_TOKEN: 'xoxp-user-token-value', SLACK_SIGNING_SECRET: 's' });
    expect(message).toContain('SLACK_BOT_TOKEN=(hidden)');
    expect(message).not.toContain('xoxp-user-token-value');
  });

  it('refuses half a Slack configuration', () => {
    expect(fails({ SLACK_SIGNING_SECRET: 'abc' })).toMatch(/^SLACK_BOT_TOKEN is missing/);
    expect(fails({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/^SLACK_SIGNING_SECRET is missing/);
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ...AZURE });
    expect(socket.slack?.appToken).toBe('xapp-1');
    expect(socket.sandbox).toBe(false);
  });

  it('needs a tenant for a single-tenant Teams bot and for Graph', () => {
    expect(fails({ MICROSOFT_APP_ID: 'app' })).toMatch(/^MICROSOFT_APP_TENANT_ID is missing/);
    expect(
      loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'MultiTenant', ...AZURE }).teams
        ?.appType,
    ).toBe('MultiTenant');
    expect(fails({ AZURE_CLIENT_ID: 'c' })).toMatch(/^AZURE_TENANT_ID is missing/);
  });

  it('refuses a chat platform without Microsoft Graph', () => {
    expect(fails({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toMatch(
      /^AZURE_TENANT_ID and AZURE_CLIENT_ID are missing/,
    );
    expect(fails({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' })).toMatch(
      /^AZURE_TENANT_ID and AZURE_CLIENT_ID are missing/,
    );
  });

  it('accepts a Redis Cluster hash tag as prefix and nothing else with braces', () => {
    expect(loadConfig({ REDIS_PREFIX: '{elevate}' }).redis.prefix).toBe('{elevate}');
    expect(fails({ REDIS_PREFIX: 'a{b}' })).toMatch(/^REDIS_PREFIX=/);
    expect(fails({ REDIS_PREFIX: 'has space' })).toMatch(/^REDIS_PREFIX=/);
  });

  it('refuses a production Redis without a password or TLS unless REDIS_INSECURE=true', () => {
    const bare = { ...AZURE, REDIS_URL: 'redis://redis.contoso.example:6379' };
    expect(fails(bare)).toBe(
      'REDIS_URL (redis.contoso.example:6379) has neither a password nor TLS: whoever reaches that Redis can rewrite requests and grants. Use rediss://… or redis://:<password>@redis.contoso.example:6379, or set REDIS_INSECURE=true if only the bot can reach it.',
    );
    expect(fails({ ...AZURE, REDIS_URL: undefined as unknown as string })).toMatch(
      /^REDIS_URL \(127\.0\.0\.1:6379\) has neither a password nor TLS/,
    );
    const withPassword = { ...AZURE, REDIS_URL: 'redis://:s3cret@redis.contoso.example:6379' };
    expect(loadConfig(withPassword).redis.insecure).toBe(false);
    expect(loadConfig({ ...bare, REDIS_INSECURE: 'true' }).redis).toMatchObject({
      insecure: true,
    });
    // The sandbox (nothing real configured) runs on a local Redis as it is.
    expect(loadConfig({}).sandbox).toBe(true);
  });

  it('needs ELEVATE_HMAC_KEY in production, long enough, and never prints it', () => {
    const { ELEVATE_HMAC_KEY: _key, ...noKey } = AZURE;
    expect(fails(noKey)).toMatch(/^ELEVATE_HMAC_KEY is missing: .*openssl rand -base64 48/);
    expect(fails({ ...AZURE, ELEVATE_HMAC_KEY: 'short-key-value' })).toBe(
      'ELEVATE_HMAC_KEY=(hidden) is too short: use 32 or more random characters (openssl rand -base64 48).',
    );
    expect(loadConfig(AZURE)).toMatchObject({ hmacKey: KEY, auditAnchorEvery: 1 });
    expect(loadConfig({ ...AZURE, AUDIT_ANCHOR_EVERY: '100' }).auditAnchorEvery).toBe(100);
    expect(fails({ AUDIT_ANCHOR_EVERY: '0' })).toMatch(/^AUDIT_ANCHOR_EVERY="0" is invalid/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', AZURE_TENANT_ID: ' ' }).sandbox).toBe(true);
  });
});
