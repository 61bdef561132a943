/**
 * `npm start`: configuration and policy first (a bad value stops here with one clear line),
 * then Redis and the HTTP server. ELEVATE_PROCESS chooses web, worker or both.
 */
import { existsSync } from 'node:fs';
import { connectRedis } from '../adapters/redis/connection.ts';
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
  server.listen(config.port, () => {
    const mode = config.sandbox
      ? 'sandbox (no Slack, Teams or Azure credentials set)'
      : 'production';
    log.info(
      { port: config.port, process: config.process },
      `elevate ready on http://localhost:${config.port}/ in ${mode}`,
    );
  });

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.close();
    redis.disconnect();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
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
    console.error('elevate: start-up failed:', error);
  }
  process.exit(1);
});
