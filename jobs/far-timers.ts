/**
 * Far timers: a grant's reminder and expiry wait in one sorted set of our own until they are
 * close, and only then become BullMQ delayed jobs. Every active grant holds both for hours; as
 * BullMQ jobs they cost some 1.5 KB of Redis per grant (a job hash each, its delayed-set entry),
 * as members of one sorted set about 130 bytes each (DESIGN.md "Performance", Redis bytes per
 * active grant).
 *
 * Keys, under the queue prefix (so they share the queues' Cluster slot):
 *   <prefix>:timers         sorted set, member `<job>:<requestId>`, score the time it is due
 *   <prefix>:timers:claims  hash, member -> `<score>|<claimedAt>` while it is handed over
 *
 * Hand-over (any worker, any number at once): a member due within `horizonMs` is claimed (moved
 * from the set to the claims hash, only if its score is still the one read), added to its
 * BullMQ queue with its deterministic job id and the delay left, and its claim released. A claim
 * makes the member's cancel wait until the job is in BullMQ, where cancel removes it; so a timer
 * is never both cancelled and handed over. A worker that dies holding a claim leaves it behind:
 * after CLAIM_TTL_MS the next pass hands it over again (BullMQ keeps one job per id), or a
 * cancel takes it away.
 *
 * Members are not sealed: what a timer does is decided by the sealed request it names, read
 * when it runs, and an expiry or reminder that comes before the request's own time waits for
 * it (jobs/processors.ts). A member added to the set by hand ends or reminds nothing early.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../bot/core/ports/clock.ts';
import type { JobName } from '../bot/core/ports/scheduler.ts';

/** The timers kept here until they are close; the others go to BullMQ at once. */
export const FAR_JOBS: ReadonlySet<JobName> = new Set<JobName>(['remind', 'expire']);

/** How long a hand-over may hold a claim before another pass or a cancel takes it over. */
export const CLAIM_TTL_MS = 30_000;
/** Members claimed per pass (one script, one addBulk per queue). */
const BATCH = 500;

export interface FarTimer {
  readonly job: JobName;
  readonly requestId: string;
  readonly runAt: number;
}

const member = (job: JobName, requestId: string): string => `${job}:${requestId}`;

function parseMember(text: string): { job: JobName; requestId: string } | null {
  const colon = text.indexOf(':');
  const job = text.slice(0, colon) as JobName;
  return colon > 0 && FAR_JOBS.has(job) ? { job, requestId: text.slice(colon + 1) } : null;
}

/**
 * KEYS[1] timers, [2] claims. ARGV[1] member, [2] runAt. Adds the member unless it is there
 * or being handed over (a timer scheduled twice runs once, as BullMQ's job ids make it).
 */
const addScript = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
return redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
`;

/** KEYS[1] timers, [2] claims. ARGV[1] member. 1 when the member is here or being handed over. */
const heldScript = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 1 end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
return 0
`;

/**
 * KEYS[1] timers, [2] claims. ARGV[1] member, [2] now, [3] claim TTL. 'busy' while a live
 * hand-over holds it (the caller waits); otherwise removes it, a stale claim included.
 */
const removeScript = `
local claim = redis.call('HGET', KEYS[2], ARGV[1])
if claim then
  local at = tonumber(string.match(claim, '|(.+)$')) or 0
  if at > tonumber(ARGV[2]) - tonumber(ARGV[3]) then return 'busy' end
  redis.call('HDEL', KEYS[2], ARGV[1])
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 'ok'
`;

/**
 * KEYS[1] timers, [2] claims. ARGV[1] now, then member and score pairs as read. Claims each
 * member whose score is still the one read; returns the claim value of each (false if not).
 */
const claimScript = `
local out = {}
for i = 2, #ARGV, 2 do
  local m, s = ARGV[i], ARGV[i + 1]
  local cur = redis.call('ZSCORE', KEYS[1], m)
  if cur and tonumber(cur) == tonumber(s) then
    local claim = s .. '|' .. ARGV[1]
    redis.call('ZREM', KEYS[1], m)
    redis.call('HSET', KEYS[2], m, claim)
    out[#out + 1] = claim
  else
    out[#out + 1] = false
  end
end
return out
`;

/**
 * KEYS[1] claims. ARGV[1] now, then member and claim pairs as read. Takes over each claim that
 * is still the stale one read; returns the new claim of each (false if not).
 */
const retakeScript = `
local out = {}
for i = 2, #ARGV, 2 do
  local m, old = ARGV[i], ARGV[i + 1]
  if redis.call('HGET', KEYS[1], m) == old then
    local claim = string.match(old, '^([^|]+)') .. '|' .. ARGV[1]
    redis.call('HSET', KEYS[1], m, claim)
    out[#out + 1] = claim
  else
    out[#out + 1] = false
  end
end
return out
`;

/** KEYS[1] claims. ARGV member and claim pairs: each released if it is still that claim. */
const releaseScript = `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
`;

export class FarTimers {
  readonly #client: Redis | Cluster;
  readonly #clock: Clock;
  readonly #timers: string;
  readonly #claims: string;

  constructor(client: Redis | Cluster, prefix: string, clock: Clock) {
    this.#client = client;
    this.#clock = clock;
    this.#timers = `${prefix}:timers`;
    this.#claims = `${prefix}:timers:claims`;
  }

  /** True when added; false when the timer was already here or being handed over. */
  async add(job: JobName, requestId: string, runAt: number): Promise<boolean> {
    return (await this.#run(addScript, [member(job, requestId), runAt])) === 1;
  }

  /** Whether the timer waits here or is being handed over (then BullMQ will have it). */
  async holds(job: JobName, requestId: string): Promise<boolean> {
    return (await this.#run(heldScript, [member(job, requestId)])) === 1;
  }

  /**
   * Takes the timer out. When a hand-over holds it, waits until that is done, so that the
   * caller's next step (removing the BullMQ job) finds the job there.
   */
  async remove(job: JobName, requestId: string): Promise<void> {
    const m = member(job, requestId);
    for (let waited = 0; ; waited += 20) {
      const outcome = await this.#run(removeScript, [m, this.#clock.now(), CLAIM_TTL_MS]);
      if (outcome !== 'busy') return;
      if (waited > CLAIM_TTL_MS * 2) throw new Error(`timer ${m} stayed claimed`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async count(): Promise<number> {
    return this.#client.zcard(this.#timers);
  }

  /**
   * Hands over what is due before `until`: `add` puts the claimed timers into BullMQ (it must
   * not return before they are there); returns how many were handed over. Claims left by a
   * worker that died are handed over again first.
   */
  async handOver(
    until: number,
    add: (timers: readonly FarTimer[]) => Promise<void>,
  ): Promise<number> {
    let handed = await this.#retakeStale(add);
    for (;;) {
      const flat = await this.#client.zrangebyscore(
        this.#timers,
        '-inf',
        until,
        'WITHSCORES',
        'LIMIT',
        0,
        BATCH,
      );
      if (flat.length === 0) return handed;
      const args: string[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) args.push(flat[i] ?? '', flat[i + 1] ?? '');
      const claims = (await this.#run(claimScript, [this.#clock.now(), ...args])) as unknown[];
      handed += await this.#deliver(args, claims, add);
      if (flat.length < BATCH * 2) return handed;
    }
  }

  async #retakeStale(add: (timers: readonly FarTimer[]) => Promise<void>): Promise<number> {
    if ((await this.#client.hlen(this.#claims)) === 0) return 0;
    const now = this.#clock.now();
    const args: string[] = [];
    for (const [m, claim] of Object.entries(await this.#client.hgetall(this.#claims))) {
      const at = Number(claim.slice(claim.indexOf('|') + 1));
      if (at <= now - CLAIM_TTL_MS) args.push(m, claim);
    }
    if (args.length === 0) return 0;
    const claims = (await this.#run(retakeScript, [now, ...args], [this.#claims])) as unknown[];
    // The pairs to deliver are member and score, as a claim begins with its score.
    const scored = args.flatMap((v, i) => (i % 2 === 0 ? [v] : [v.slice(0, v.indexOf('|'))]));
    return this.#deliver(scored, claims, add);
  }

  /** Adds the claimed ones to BullMQ, then releases their claims. */
  async #deliver(
    pairs: readonly string[],
    claims: readonly unknown[],
    add: (timers: readonly FarTimer[]) => Promise<void>,
  ): Promise<number> {
    const timers: FarTimer[] = [];
    const release: string[] = [];
    for (const [i, claim] of claims.entries()) {
      if (typeof claim !== 'string') continue;
      const m = pairs[i * 2] ?? '';
      release.push(m, claim);
      const parsed = parseMember(m);
      // Not one of ours (written by hand): released, and so dropped.
      if (parsed) timers.push({ ...parsed, runAt: Number(pairs[i * 2 + 1]) });
    }
    if (release.length === 0) return 0;
    await add(timers);
    await this.#run(releaseScript, release, [this.#claims]);
    return timers.length;
  }

  /** EVAL: these run a few times a minute, Redis keeps each compiled after its first run. */
  #run(
    lua: string,
    args: readonly (string | number)[],
    keys: readonly string[] = [this.#timers, this.#claims],
  ): Promise<unknown> {
    return this.#client.eval(lua, keys.length, ...keys, ...args);
  }
}
