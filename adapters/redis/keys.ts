/**
 * Where the request store and the audit log keep their data. Every key starts with the prefix;
 * on Redis Cluster the prefix is a hash tag (`{elevate}`), which puts all keys in one slot so
 * that one Lua script can write a request, its indexes and its audit entry together. Scripts
 * get every key they touch from here, through KEYS, and never build one themselves.
 */
import type { RequestState } from '../../bot/core/domain/request.ts';

export interface RedisKeys {
  readonly prefix: string;
  /** Hash: `v` version, `s` state, `d` the request as JSON, `m` the seal over all three. */
  request(id: string): string;
  /** Stream, one entry per event; the entry id is `<seq>-0`. */
  readonly audit: string;
  /** Hash: `s` seq and `h` hash of the last audit entry. */
  readonly auditHead: string;
  /** Sorted sets of request ids scored by createdAt. */
  byUser(principalId: string): string;
  byRole(targetId: string): string;
  readonly all: string;
  /**
   * Sorted set of request ids scored by updatedAt, moved by every write. Writes by a version
   * without it (a store from before it, replicas of the old version during a rollout) are
   * added from the audit stream afterwards (request-store.ts).
   */
  readonly changed: string;
  /** String: the audit seq up to which every write is in `changed`; absent before the index. */
  readonly changedSeq: string;
  /** Set of the ids of requests currently in `state`. */
  inState(state: RequestState): string;
}

/** Written as a record so that the compiler insists on every state being listed. */
const STATES: Record<RequestState, true> = {
  submitted: true,
  rejected: true,
  pending_approval: true,
  approved: true,
  denied: true,
  canceled: true,
  approval_expired: true,
  scheduled: true,
  activating: true,
  active: true,
  failed: true,
  ended: true,
  awaiting_mfa: true,
};

/** Every state, in the fixed order in which the update script receives the state-set keys. */
export const ALL_STATES = Object.keys(STATES) as readonly RequestState[];

export function redisKeys(prefix: string): RedisKeys {
  if (prefix === '') throw new RangeError('the Redis key prefix must not be empty');
  return {
    prefix,
    request: (id) => `${prefix}:req:${id}`,
    audit: `${prefix}:audit`,
    auditHead: `${prefix}:audit:head`,
    byUser: (principalId) => `${prefix}:idx:user:${principalId}`,
    byRole: (targetId) => `${prefix}:idx:role:${targetId}`,
    all: `${prefix}:idx:all`,
    changed: `${prefix}:idx:changed`,
    changedSeq: `${prefix}:idx:changed:seq`,
    inState: (state) => `${prefix}:idx:state:${state}`,
  };
}
