/**
 * The Lua scripts behind the Redis request store and audit log, and how they are run.
 *
 * Every write is one script, so a request, its indexes and its audit entry change together or
 * not at all. Each write script starts with the same two keys and five arguments, the audit
 * chain block:
 *   KEYS[1] audit stream, KEYS[2] audit head
 *   ARGV[1] head seq and ARGV[2] head hash the caller hashed against,
 *   ARGV[3] the new entry's seq, ARGV[4] its hash, ARGV[5] the event as stored (audit-codec.ts).
 * The hashes come as hex, as the head keeps them; the stream entry keeps the new hash as its
 * 32 bytes, and not the previous one (the entry before has it, audit-codec.ts).
 * A script checks its own precondition first (`exists`, `conflict`), then the head: when
 * another append got there first it writes nothing and returns `{'head_moved', seq, hash}`,
 * and the caller hashes again against that head. The stream entry is added before anything
 * else, because Redis does not roll back a script that fails halfway: if XADD refuses (the
 * stream was tampered with), nothing has been written.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { GENESIS } from '../audit-chain.ts';

export type RedisClient = Redis | Cluster;

export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): LuaScript => ({
  lua,
  sha: createHash('sha1').update(lua).digest('hex'),
});

/** Number of keys and arguments the chain block takes; script-specific ones follow. */
export const CHAIN_KEYS = 2;
export const CHAIN_ARGS = 5;

const CHAIN = `
local function chain_moved()
  local cur = redis.call('HMGET', KEYS[2], 's', 'h')
  local seq = cur[1] or '0'
  local hash = cur[2] or '${GENESIS}'
  if seq == ARGV[1] and hash == ARGV[2] then return nil end
  return {'head_moved', seq, hash}
end
local function bytes(hex)
  return (hex:gsub('..', function(pair) return string.char(tonumber(pair, 16)) end))
end
local function chain_append()
  redis.call('XADD', KEYS[1], ARGV[3] .. '-0', 'h', bytes(ARGV[4]), 'e', ARGV[5])
  redis.call('HSET', KEYS[2], 's', ARGV[3], 'h', ARGV[4])
end
`;

/**
 * A request record is one string: its version, NUL, its state, NUL, its seal (32 bytes), and
 * its JSON (record-codec.ts). Records written before this format are hashes with the fields
 * `v`, `s`, `d` and `m`; they are read as they are and written in this form on their next
 * update. A hash costs some 300 bytes more than the same content as a string (its `d` is longer
 * than a listpack entry may be, so Redis keeps a hashtable).
 */
const RECORD = `
local function record_write(key, v, s, m, d)
  redis.call('SET', key, v .. '\0' .. s .. '\0' .. m .. d)
end
local function record_split(raw)
  local a = string.find(raw, '\0', 1, true)
  local b = a and string.find(raw, '\0', a + 1, true)
  if not b or #raw < b + 32 then return {false, false, raw, false} end
  return {string.sub(raw, 1, a - 1), string.sub(raw, a + 1, b - 1),
    string.sub(raw, b + 33), string.sub(raw, b + 1, b + 32)}
end
local function record_read(key)
  local kind = redis.call('TYPE', key).ok
  if kind == 'string' then return record_split(redis.call('GET', key)) end
  if kind == 'hash' then return redis.call('HMGET', key, 'v', 's', 'd', 'm') end
  return {false, false, false, false}
end
`;

/** An audit entry on its own. */
export const appendScript = script(`${CHAIN}
local moved = chain_moved()
if moved then return moved end
chain_append()
return 'ok'
`);

/**
 * KEYS[3] request, [4] idx:all, [5] idx:user, [6] idx:state, [7] idx:changed, [8] its seq,
 * [9..] idx:role per target. ARGV[6] id, [7] version, [8] state, [9] request JSON,
 * [10] createdAt (the score of idx:all, user and role), [11] the record's seal
 * (request-store.ts), [12] updatedAt (the score of idx:changed). The seq follows the new
 * entry while it kept up with the head (and starts with the first request of an empty store,
 * where there is nothing older to add); once behind, it waits for request-store.ts.
 */
export const createScript = script(`${CHAIN}${RECORD}
if redis.call('EXISTS', KEYS[3]) == 1 then return 'exists' end
local moved = chain_moved()
if moved then return moved end
chain_append()
local id = ARGV[6]
local seq = redis.call('GET', KEYS[8])
if seq == ARGV[1] or (not seq and redis.call('ZCARD', KEYS[4]) == 0) then
  redis.call('SET', KEYS[8], ARGV[3])
end
record_write(KEYS[3], ARGV[7], ARGV[8], ARGV[11], ARGV[9])
redis.call('ZADD', KEYS[4], ARGV[10], id)
redis.call('ZADD', KEYS[5], ARGV[10], id)
redis.call('SADD', KEYS[6], id)
redis.call('ZADD', KEYS[7], ARGV[12], id)
for i = 9, #KEYS do redis.call('ZADD', KEYS[i], ARGV[10], id) end
return 'ok'
`);

/**
 * KEYS[3] request, [4] idx:changed, [5] its seq (followed as in create), [6..] one state set
 * per state. ARGV[6] id, [7] new
 * version, [8] new state, [9] request JSON, [10] the record's seal, [11] updatedAt (the new
 * score in idx:changed), [12..] the state names in the order of the state-set keys, so the
 * script can find the set of the state the request is leaving without building a key. The
 * seal is the caller's over the new fields; the script never edits them. The user, role and
 * all indexes stay: requester, targets and createdAt never change.
 */
export const updateScript = script(`${CHAIN}${RECORD}
local cur = record_read(KEYS[3])
if not cur[1] or tonumber(cur[1]) + 1 ~= tonumber(ARGV[7]) then return 'conflict' end
local moved = chain_moved()
if moved then return moved end
chain_append()
local id = ARGV[6]
record_write(KEYS[3], ARGV[7], ARGV[8], ARGV[10], ARGV[9])
redis.call('ZADD', KEYS[4], ARGV[11], id)
if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('SET', KEYS[5], ARGV[3]) end
if cur[2] ~= ARGV[8] then
  for i = 12, #ARGV do
    if ARGV[i] == cur[2] then redis.call('SREM', KEYS[i - 6], id) end
    if ARGV[i] == ARGV[8] then redis.call('SADD', KEYS[i - 6], id) end
  end
end
return 'ok'
`);

/**
 * One page of an index, newest first: KEYS[1] the sorted set, ARGV[1] the id the previous page
 * ended on ('' for the first page), ARGV[2] its score, ARGV[3] how many. Paging by the rank of
 * the last id seen, looked up afresh, neither skips nor repeats requests with equal createdAt,
 * also when newer requests arrive between pages. Returns flat [id, score, id, score, ...].
 */
export const pageScript = script(`
local start = 0
if ARGV[1] ~= '' then
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
  if not rank then
    -- Not in the index (a cursor from elsewhere): continue below its createdAt.
    return redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '-inf', 'WITHSCORES', 'LIMIT', 0, ARGV[3])
  end
  start = rank + 1
end
return redis.call('ZREVRANGE', KEYS[1], start, start + tonumber(ARGV[3]) - 1, 'WITHSCORES')
`);

/**
 * One page of idx:changed, oldest change first: KEYS[1] the sorted set, ARGV[1] the lowest
 * score, ARGV[2] how many, ARGV[3] '1' when ARGV[1] is the score of the previous page's last
 * id. Then the ids with exactly that score come too (ids in a score are in byte order, which
 * the caller compares, not Lua, whose string order follows the server's locale), and the
 * caller drops those up to the last id seen. Paging by score, not by rank, because updates
 * move ids: an id moved since the last page is found again at its new score, and none is
 * skipped. Returns flat [id, score, id, score, ...].
 */
export const changedPageScript = script(`
local count = tonumber(ARGV[2])
if ARGV[3] == '1' then count = count + redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1]) end
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, count)
`);

/**
 * Request records by key: KEYS the record keys, returns one reply per key: the record's string
 * as stored (split by the caller, request-store.ts), the four fields `v`, `s`, `d`, `m` of a
 * record kept as a hash, or nil. One command for a page of records instead of one per record:
 * at a few hundred records a page, the client's work per command (and per reply) was a large
 * part of reading them.
 */
export const recordsScript = script(`
local out = {}
for i = 1, #KEYS do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind == 'string' then out[i] = redis.call('GET', KEYS[i])
  elseif kind == 'hash' then out[i] = redis.call('HMGET', KEYS[i], 'v', 's', 'd', 'm')
  else out[i] = false end
end
return out
`);

/**
 * ioredis makes a `…Buffer` variant of every command, on Redis and Cluster alike; its types
 * leave out those of the script commands.
 */
interface BufferScripts {
  evalshaBuffer(...args: (string | number | Buffer)[]): Promise<unknown>;
  evalBuffer(...args: (string | number | Buffer)[]): Promise<unknown>;
}

/** runScript with the reply's strings as Buffers, as stored (records' seals are binary). */
export async function runScriptBuffer(
  client: RedisClient,
  s: LuaScript,
  keys: readonly string[],
  args: readonly (string | number | Buffer)[],
): Promise<unknown> {
  // evalshaBuffer, not callBuffer: ioredis' auto-pipelining sends `call` without its command.
  const buffers = client as unknown as BufferScripts;
  try {
    return await buffers.evalshaBuffer(s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return buffers.evalBuffer(s.lua, keys.length, ...keys, ...args);
  }
}

/** EVALSHA, falling back to EVAL (which also caches the script) when Redis does not know it. */
export async function runScript(
  client: RedisClient,
  s: LuaScript,
  keys: readonly string[],
  args: readonly (string | number | Buffer)[],
): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(s.lua, keys.length, ...keys, ...args);
  }
}
