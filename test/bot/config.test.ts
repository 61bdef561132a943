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
    expect(fails({ ARM_BASE_URL: 'http://arm.local' })).toMatch(/^ARM_BASE_URL=.*https:\/\//);
    expect(fails({ TEAMS_ALLOW_UNAUTHENTICATED: 'maybe' })).toMatch(
      /^TEAMS_ALLOW_UNAUTHENTICATED=/,
    );
  });

  it('passes ARM_BASE_URL to the Azure settings beside the Graph one', () => {
    const azure = loadConfig({
      ...AZURE,
      ARM_BASE_URL: 'https://management.usgovcloudapi.net',
    }).azure;
    expect(azure).toMatchObject({ armBaseUrl: 'https://management.usgovcloudapi.net' });
    expect(loadConfig(AZURE).azure?.armBaseUrl).toBeUndefined();
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
    expect(fails({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'MultiTenant' })).toMatch(
      /^AZURE_TENANT_ID and AZURE_CLIENT_ID are missing/,
    );
  });

  it('runs unauthenticated Teams only against the sandbox, on loopback, beside no credential', () => {
    const local = loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' });
    expect(local).toMatchObject({ sandbox: true, azure: null, host: '127.0.0.1' });
    expect(local.teams?.allowUnauthenticated).toBe(true);
    for (const [name, value] of Object.entries({
      SLACK_BOT_TOKEN: 'xoxb-value-1',
      SLACK_SIGNING_SECRET: 'value-2',
      SLACK_APP_TOKEN: 'xapp-value-3',
      MICROSOFT_APP_ID: 'value-4',
      MICROSOFT_APP_PASSWORD: 'value-5',
      AZURE_TENANT_ID: 'value-6',
      AZURE_CLIENT_ID: 'value-7',
      AZURE_CLIENT_SECRET: 'value-8',
      AZURE_CLIENT_CERTIFICATE_PATH: '/etc/elevate/value-9.pem',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/value-10',
    })) {
      const message = fails({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', [name]: value });
      expect(message).toMatch(/^TEAMS_ALLOW_UNAUTHENTICATED=true is refused because /);
      expect(message).toContain(name);
      expect(message).not.toContain(value);
    }
    expect(loadConfig({ ...AZURE, MICROSOFT_APP_ID: 'a', MICROSOFT_APP_TENANT_ID: 't' }).host).toBe(
      undefined,
    );
  });

  it('refuses a PUBLIC_URL that is not https outside this machine', () => {
    expect(fails({ PUBLIC_URL: 'http://elevate.contoso.com' })).toMatch(
      /^PUBLIC_URL="http:\/\/elevate.contoso.com" is refused: .*https/,
    );
    expect(fails({ PUBLIC_URL: 'http://10.0.0.5:3978' })).toMatch(/^PUBLIC_URL=/);
    for (const ok of [
      'https://elevate.contoso.com/',
      'http://localhost:3978',
      'http://127.0.0.1:3978',
      'http://[::1]:3978',
    ]) {
      expect(loadConfig({ PUBLIC_URL: ok }).publicUrl).toBe(ok.replace(/\/$/, ''));
    }
  });

  it('never prints the password of a URL it refuses', () => {
    const redis = fails({ REDIS_URL: 'http://:s3cret-pass@redis.internal:6379' });
    expect(redis).toMatch(/^REDIS_URL="http:\/\/\*\*\*@redis.internal:6379" is invalid/);
    expect(redis).not.toContain('s3cret-pass');
    const user = fails({ REDIS_URL: 'redis//default:hunter2@cache:6380' });
    expect(user).toMatch(/^REDIS_URL="\*\*\*@cache:6380" is invalid/);
    const graph = fails({ GRAPH_BASE_URL: 'http://svc:hunter2@graph.local' });
    expect(graph).not.toContain('hunter2');
    expect(graph).toContain('http://***@graph.local');
    const publicUrl = fails({ PUBLIC_URL: 'http://me:hunter2@elevate.contoso.com' });
    expect(publicUrl).not.toContain('hunter2');
    expect(fails({ SLACK_API_URL: 'ftp://u:hunter2@slack.local' })).not.toContain('hunter2');
  });

  it('takes the metrics port and token, and refuses a short token or a shared port', () => {
    expect(loadConfig({}).metrics).toEqual({});
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'a'.repeat(32) }).metrics).toEqual({
      port: 9464,
      token: 'a'.repeat(32),
    });
    expect(fails({ METRICS_TOKEN: 'short' })).toMatch(/^METRICS_TOKEN=\(hidden\) is invalid/);
    expect(fails({ METRICS_PORT: '3978' })).toMatch(/^METRICS_PORT=3978 is the same as PORT/);
    expect(fails({ METRICS_PORT: 'x' })).toMatch(/^METRICS_PORT="x" is invalid/);
  });

  it('keeps message bodies out of logs unless LOG_BODIES says so', () => {
    expect(loadConfig({}).logBodies).toBe(false);
    expect(loadConfig({ LOG_BODIES: 'true' }).logBodies).toBe(true);
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

  it('refuses silent logs outside the sandbox, where the audit anchors are log lines', () => {
    expect(fails({ ...AZURE, LOG_LEVEL: 'silent' })).toMatch(
      /^LOG_LEVEL=silent is refused outside the sandbox: the audit chain's anchors/,
    );
    expect(loadConfig({ LOG_LEVEL: 'silent' }).sandbox).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', AZURE_TENANT_ID: ' ' }).sandbox).toBe(true);
  });

  it('gives blank settings with a default their default, not an error or a zero', () => {
    const config = loadConfig({ PORT: '', POLICY_FILE: ' ', REDIS_PREFIX: '', LOG_LEVEL: '' });
    expect(config.port).toBe(3978);
    expect(config.policyFile).toBe('./policy.yaml');
    expect(config.logLevel).toBe('info');
  });
});
