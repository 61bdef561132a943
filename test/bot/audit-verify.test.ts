import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const run = promisify(execFile);
let redis: FreshRedis | null = null;
afterEach(async () => {
  await redis?.cleanup();
  redis = null;
});

async function verifyCli(prefix: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['bot/audit-verify.ts'], {
      env: { ...process.env, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' },
    });
    return { code: 0, out: stdout.trim() };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout.trim() };
  }
}

describe('npm run audit:verify', () => {
  it('reports an intact chain with exit code 0', async () => {
    redis = await freshRedis();
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    for (let i = 0; i < 5; i++) await audit.append(makeEvent(makeRequest({ id: `R000000${i}` })));
    expect(await verifyCli(redis.prefix)).toEqual({
      code: 0,
      out: expect.stringMatching(/^audit chain intact: 5 entries/),
    });
  });

  it('names the first deleted entry and exits 1', async () => {
    redis = await freshRedis();
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    for (let i = 0; i < 5; i++) await audit.append(makeEvent(makeRequest({ id: `R000000${i}` })));
    await redis.redis.xdel(`${redis.prefix}:audit`, '3-0');
    expect(await verifyCli(redis.prefix)).toEqual({
      code: 1,
      out: 'audit chain BROKEN: entry 3 is missing (deleted); 2 entries before it verified.',
    });
  });
});
