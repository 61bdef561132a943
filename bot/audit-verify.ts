/**
 * `npm run audit:verify`: walks the whole audit chain in Redis and says whether it is intact.
 * Exit code 0 when it is, 1 when an entry was edited or deleted (naming the first bad one),
 * 2 when it could not check.
 */
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { connectRedis } from '../adapters/redis/connection.ts';
import { describeVerify } from './audit-report.ts';
import { loadConfig } from './config.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const redis = connectRedis(config.redis.url);
  try {
    await redis.connect();
    const result = await new RedisAuditLog(redis, config.redis.prefix).verify();
    console.log(describeVerify(result));
    return result.ok ? 0 : 1;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `audit:verify could not check the chain: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(2);
  },
);
