/**
 * `npm start`: configuration and policy first (a bad value stops here with one clear line),
 * then the bot. ELEVATE_PROCESS chooses web, worker or both. With no Slack, Teams or Azure
 * credentials it starts the sandbox.
 */
import { existsSync } from 'node:fs';
import { connectRedis } from '../adapters/redis/connection.ts';
import { startApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { loadPolicy, PolicyError } from './policy-file.ts';
import { createHttpServer } from './server.ts';

const EXAMPLE_POLICY = 'policy.example.yaml';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const policyFile = choosePolicyFile(config, log);
  const policy = loadPolicy(policyFile);
  log.info({ policyFile, roles: policy.roles.size }, 'policy loaded');
  const stop = config.sandbox
    ? await startSandbox(config, log)
    : (await startApp({ config, policy, log })).close;
  if (!config.sandbox)
    log.info(
      { port: config.port, process: config.process },
      `elevate ready on port ${config.port}`,
    );
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Until the sandbox console lands, the sandbox serves health and readiness only. */
async function startSandbox(config: Config, log: Logger): Promise<() => Promise<void>> {
  const redis = connectRedis(config.redis.url);
  redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis unavailable'));
  await redis
    .connect()
    .catch((error: Error) =>
      log.warn({ err: error.message, url: config.redis.url }, 'redis not reachable yet'),
    );
  const server = createHttpServer({
    log,
    checks: [{ name: 'redis', check: async () => void (await redis.ping()) }],
  });
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  log.info(
    { port: config.port },
    `elevate sandbox on http://localhost:${config.port}/ (no Slack, Teams or Azure credentials set)`,
  );
  return async () => {
    server.close();
    redis.disconnect();
  };
}

/** The sandbox runs on the shipped example policy when no policy.yaml has been written yet. */
function choosePolicyFile(config: Config, log: Logger): string {
  if (existsSync(config.policyFile) || !config.sandbox) return config.policyFile;
  log.info(
    { policyFile: EXAMPLE_POLICY },
    `${config.policyFile} not found; the sandbox uses ${EXAMPLE_POLICY}`,
  );
  return EXAMPLE_POLICY;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PolicyError) {
    console.error(`elevate: ${error.message}`);
  } else {
    console.error('elevate: start-up failed:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
