/**
 * `npm run audit:verify [-- --anchor <seq>:<hash>]... [--anchor-file <path>]...`: walks the
 * whole audit chain in Redis, checks every entry's HMAC (ELEVATE_HMAC_KEY) and link, and that
 * the chain still holds every anchor given: heads the bot recorded outside Redis, as log lines
 * `"auditAnchor":"<seq>:<hash>"` (AUDIT_ANCHOR_EVERY). An anchor file is any text holding such
 * lines (an export of the bot's log, the SIEM's copy); every `<seq>:<hash>` in it counts.
 * Without an anchor, a chain cut short together with its head, or deleted whole, looks intact.
 *
 * Exit code 0 when it is intact, 1 when an entry was edited or deleted or the chain falls short
 * of an anchor (naming the first bad entry), 2 when it could not check.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type ChainHead, parseAnchors } from '../adapters/audit-chain.ts';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { connectRedis } from '../adapters/redis/connection.ts';
import { describeVerify } from './audit-report.ts';
import { loadConfig } from './config.ts';
import { integrityFor } from './storage.ts';

class UsageError extends Error {}

async function anchorsFrom(args: readonly string[]): Promise<ChainHead[]> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      anchor: { type: 'string', multiple: true },
      'anchor-file': { type: 'string', multiple: true },
    },
  });
  const anchors: ChainHead[] = [];
  for (const given of values.anchor ?? []) {
    const [one] = parseAnchors(given);
    if (!one || `${one.seq}:${one.hash}` !== given.trim())
      throw new UsageError(
        `--anchor ${given}: expected <seq>:<64 hex digits> from an auditAnchor log line`,
      );
    anchors.push(one);
  }
  for (const path of values['anchor-file'] ?? []) {
    const found = parseAnchors(await readFile(path, 'utf8'));
    if (found.length === 0)
      throw new UsageError(`--anchor-file ${path}: no "<seq>:<hash>" anchor in it`);
    anchors.push(...found);
  }
  return anchors;
}

async function main(): Promise<number> {
  const anchors = await anchorsFrom(process.argv.slice(2));
  const config = loadConfig();
  const redis = connectRedis(config.redis.url);
  try {
    await redis.connect();
    const audit = new RedisAuditLog(redis, config.redis.prefix, integrityFor(config));
    const result = await audit.verify(anchors);
    console.log(describeVerify(result));
    if (result.ok) {
      const newest = Math.max(0, ...anchors.map((a) => a.seq));
      console.log(
        anchors.length === 0
          ? 'No anchor given: entries cut off the end together with the head, or a reset to zero entries, cannot be seen. Pass --anchor-file with the auditAnchor log lines.'
          : `Holds all ${anchors.length} anchors given (newest: entry ${newest}).`,
      );
    }
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
