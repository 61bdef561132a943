import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../adapters/audit-chain.ts';
import { Integrity } from '../../adapters/integrity.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import type { AuditEvent } from '../../bot/core/domain/audit.ts';
import { createLogger } from '../../bot/log.ts';
import { addEntry, readStream } from '../support/audit-stream.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const run = promisify(execFile);
const KEY = 'audit-verify-test-key-of-32-characters-or-more';
let redis: FreshRedis | null = null;
let dir: string | null = null;
afterEach(async () => {
  await redis?.cleanup();
  redis = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function verifyCli(
  prefix: string,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['bot/audit-verify.ts', ...args], {
      env: { ...process.env, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ELEVATE_HMAC_KEY: KEY },
    });
    return { code: 0, out: stdout.trim() };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}`.trim() };
  }
}

/** Five entries written as the bot writes them, with the anchor lines its log would hold. */
async function fiveEntries(): Promise<{ entries: AuditEvent[]; logFile: string }> {
  redis = await freshRedis();
  const lines: string[] = [];
  const sink = { write: (line: string) => void lines.push(line) };
  const log = createLogger('info', sink);
  const audit = new RedisAuditLog(redis.redis, redis.prefix, Integrity.fromSecret(KEY));
  audit.anchorTo({
    every: 2,
    record: (head) => log.info({ auditAnchor: `${head.seq}:${head.hash}` }, 'audit chain head'),
  });
  const entries: AuditEvent[] = [];
  for (let i = 0; i < 5; i++) {
    entries.push(await audit.append(makeEvent(makeRequest({ id: `R000000${i}` }))));
  }
  dir = await mkdtemp(join(tmpdir(), 'elevate-anchors-'));
  const logFile = join(dir, 'bot.log');
  await writeFile(logFile, lines.join(''));
  return { entries, logFile };
}

describe('npm run audit:verify', () => {
  it('reports an intact chain with exit code 0, and that it holds the anchors', async () => {
    const { logFile } = await fiveEntries();
    const plain = await verifyCli(redis?.prefix ?? '');
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/^audit chain intact: 5 entries/);
    expect(plain.out).toContain('No anchor given');
    expect(await verifyCli(redis?.prefix ?? '', '--anchor-file', logFile)).toEqual({
      code: 0,
      out: expect.stringMatching(
        /intact: 5 entries.*\nHolds all 2 anchors given \(newest: entry 4\)\.$/,
      ),
    });
  });

  it('names the first deleted entry and exits 1', async () => {
    await fiveEntries();
    await redis?.redis.xdel(`${redis.prefix}:audit`, '3-0');
    expect(await verifyCli(redis?.prefix ?? '')).toEqual({
      code: 1,
      out: 'audit chain BROKEN: entry 3 is missing (deleted); 2 entries before it verified.',
    });
  });

  it('finds a chain truncated together with its head, against the logged anchors', async () => {
    const { entries, logFile } = await fiveEntries();
    const prefix = redis?.prefix ?? '';
    await redis?.redis.xdel(`${prefix}:audit`, '3-0', '4-0', '5-0');
    await redis?.redis.hset(`${prefix}:audit:head`, 's', 2, 'h', entries[1]?.hash ?? '');
    expect((await verifyCli(prefix)).code).toBe(0);
    expect(await verifyCli(prefix, '--anchor-file', logFile)).toEqual({
      code: 1,
      out: 'audit chain BROKEN: entry 3 and the ones after it up to the anchor are missing (the chain was truncated); 2 entries before it verified.',
    });
  });

  it('finds a reset to zero entries, against an anchor given by flag', async () => {
    const { entries } = await fiveEntries();
    const prefix = redis?.prefix ?? '';
    await redis?.redis.del(`${prefix}:audit`, `${prefix}:audit:head`);
    const anchor = `4:${entries[3]?.hash}`;
    expect(await verifyCli(prefix, '--anchor', anchor)).toEqual({
      code: 1,
      out: 'audit chain BROKEN: entry 1 and all others are missing: the chain was reset to zero entries below the anchor; 0 entries before it verified.',
    });
  });

  it('finds an entry edited and re-hashed without the key, holding the anchors', async () => {
    const { logFile } = await fiveEntries();
    const key = `${redis?.prefix}:audit`;
    const stream = redis ? await readStream(redis.redis, key) : [];
    await redis?.redis.del(key);
    // The stream re-added with entry 3's reason changed and every hash from there on, and the
    // head, recomputed as plain SHA-256: what passed before the chain was keyed. Entries from
    // 3 on are written as the format before the compact one stored them, which reads too.
    let prev = '';
    for (const { id, fields } of stream) {
      const f = new Map(Object.entries(fields));
      const seq = Number(id.split('-')[0]);
      if (seq >= 3) {
        const event = JSON.parse(f.get('e') ?? '{}') as Record<string, unknown>;
        if (seq === 3) event.reason = 'nothing to see';
        const entry = { ...event, seq, prevHash: prev };
        f.set('p', prev);
        f.set('e', JSON.stringify(event));
        f.set('h', createHash('sha256').update(prev).update(canonicalJson(entry)).digest('hex'));
      }
      prev = f.get('h') ?? '';
      if (redis) {
        await addEntry(
          redis.redis,
          key,
          id,
          Object.fromEntries(f),
          seq >= 3 ? 'legacy' : 'compact',
        );
      }
    }
    await redis?.redis.hset(`${key}:head`, 's', 5, 'h', prev);
    expect(await verifyCli(redis?.prefix ?? '', '--anchor-file', logFile)).toEqual({
      code: 1,
      out: 'audit chain BROKEN: entry 3 was edited (its hash does not match its content); 2 entries before it verified.',
    });
  });

  it('refuses a malformed anchor with exit code 2', async () => {
    redis = await freshRedis();
    const result = await verifyCli(redis.prefix, '--anchor', 'latest');
    expect(result.code).toBe(2);
    expect(result.out).toContain('--anchor latest: expected <seq>:<64 hex digits>');
  });
});
