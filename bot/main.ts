/**
 * `npm start`: configuration and policy first (a bad value stops here with one clear line),
 * then the bot. ELEVATE_PROCESS chooses web, worker or both. With no Slack, Teams or Azure
 * credentials it starts the sandbox.
 */
import './compile-cache.ts';
import { startApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { loadPolicySource, PolicyError } from './policy-file.ts';
import { PortInUseError, refuseBusyPort } from './port-check.ts';
import { answerArguments } from './settings-help.ts';
import { exitOnSignals } from './shutdown.ts';

async function main(): Promise<void> {
  const answer = answerArguments(process.argv.slice(2));
  if (answer) {
    if (answer.out) process.stdout.write(answer.out);
    if (answer.err) process.stderr.write(answer.err);
    process.exitCode = answer.code;
    return;
  }
  const config = loadConfig();
  // Before Redis: a second sandbox would clear the running one's keys.
  await refuseBusyPort(config.port);
  const log = createLogger(config.logLevel, undefined, { bodies: config.logBodies });
  const stop = config.sandbox ? await sandbox(config, log) : await production(config, log);
  exitOnSignals(stop, { log });
}

async function production(config: Config, log: Logger): Promise<() => Promise<void>> {
  const { policy, source } = loadPolicySource(config.policyFile);
  log.info({ policyFile: config.policyFile, roles: policy.roles.size }, 'policy loaded');
  const app = await startApp({
    config,
    policy,
    policySource: source,
    log,
    workersInBackground: true,
  });
  log.info({ port: config.port, process: config.process }, `elevate ready on port ${config.port}`);
  app.workers.catch(async (error: unknown) => {
    log.fatal(
      { err: error instanceof Error ? error.message : String(error) },
      'the job workers did not start: stopping',
    );
    await app.close();
    process.exit(1);
  });
  return app.close;
}

/** No credentials at all: the simulated tenant and the console, on the sandbox's own policy. */
async function sandbox(config: Config, log: Logger): Promise<() => Promise<void>> {
  const { startSandbox, SANDBOX_POLICY } = await import('./sandbox.ts');
  log.info({ policyFile: SANDBOX_POLICY }, 'no Slack, Teams or Azure credentials: sandbox');
  // Its own prefix beside REDIS_PREFIX (`elevate-sandbox` by default), cleared at start: a
  // sandbox never touches the keys of a bot running on the same Redis.
  const running = await startSandbox({ config, log, prefix: `${config.redis.prefix}-sandbox` });
  console.log(`\n  elevate sandbox: open ${running.url}/\n`);
  return running.close;
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof PolicyError ||
    error instanceof PortInUseError
  ) {
    console.error(`elevate: ${error.message}`);
  } else {
    console.error('elevate: start-up failed:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
