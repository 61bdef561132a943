/**
 * The production storage records the audit chain's head outside Redis: every
 * AUDIT_ANCHOR_EVERY-th entry's `<seq>:<hash>` as a log line, which verify then holds the
 * chain against.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseAnchors } from '../../adapters/audit-chain.ts';
import { systemClock } from '../../adapters/system/clock.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { type RedisStorage, redisStorage } from '../../bot/storage.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis, TRUSTED_REDIS_ENV } from '../support/redis.ts';

let redis: FreshRedis | null = null;
let storage: RedisStorage | null = null;
afterEach(async () => {
  await storage?.close();
  await redis?.cleanup();
  storage = null;
  redis = null;
});

describe('audit chain anchors', () => {
  it('logs every Nth head, at warn when LOG_LEVEL=warn, and verify holds the chain to them', async () => {
    redis = await freshRedis();
    const config = loadConfig({
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      REDIS_PREFIX: redis.prefix,
      AUDIT_ANCHOR_EVERY: '2',
      LOG_LEVEL: 'warn',
      ...TRUSTED_REDIS_ENV,
    });
    const lines: string[] = [];
    const log = createLogger(config.logLevel, { write: (line: string) => void lines.push(line) });
    storage = await redisStorage(config, log, systemClock);
    const entries = [];
    for (let i = 0; i < 5; i++) entries.push(await storage.audit.append(makeEvent(makeRequest())));
    const anchors = parseAnchors(lines.filter((l) => l.includes('auditAnchor')).join('\n'));
    expect(anchors).toEqual([
      { seq: 2, hash: entries[1]?.hash },
      { seq: 4, hash: entries[3]?.hash },
    ]);
    expect(await storage.audit.verify(anchors)).toMatchObject({ ok: true, count: 5 });
    await redis.redis.del(`${redis.prefix}:audit`, `${redis.prefix}:audit:head`);
    expect(await storage.audit.verify(anchors)).toMatchObject({ ok: false, problem: 'reset' });
  });
});
