import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';

const AZURE = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' };

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

  it('reads Redis Cluster seed nodes and insists on a hash-tag prefix with them', () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: 'redis-0:7000, 10.0.0.2:7001',
      REDIS_PREFIX: '{elevate}',
    });
    expect(config.redis.clusterNodes).toEqual([
      { host: 'redis-0', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    expect(loadConfig({}).redis.clusterNodes).toBeUndefined();
    expect(fails({ REDIS_CLUSTER_NODES: 'redis-0' })).toMatch(/^REDIS_CLUSTER_NODES=.*host:port/);
    expect(fails({ REDIS_CLUSTER_NODES: 'redis-0:99999' })).toMatch(/^REDIS_CLUSTER_NODES=/);
    expect(fails({ REDIS_CLUSTER_NODES: 'redis-0:7000' })).toMatch(
      /REDIS_PREFIX="elevate" is invalid with REDIS_CLUSTER_NODES.*\{elevate\}/,
    );
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', AZURE_TENANT_ID: ' ' }).sandbox).toBe(true);
  });
});
