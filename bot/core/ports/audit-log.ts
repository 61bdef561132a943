import type { AuditEvent, AuditEventInput } from '../domain/audit.ts';

export interface AuditQuery {
  /** Events with seq greater than this (paging forward). */
  readonly afterSeq?: number;
  readonly since?: number;
  readonly until?: number;
  readonly limit: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly headHash: string }
  | {
      readonly ok: false;
      /** Seq of the first entry that does not fit the chain. */
      readonly firstBadSeq: number;
      readonly problem:
        | 'hash_mismatch'
        | 'broken_link'
        | 'missing_entry'
        | 'head_mismatch'
        /** An anchored entry (a head recorded outside the store) now has another hash. */
        | 'anchor_mismatch'
        /** Entries up to an anchor are gone from the end, head and all. */
        | 'truncated'
        /** Every entry is gone, though an anchor says there were some. */
        | 'reset';
      readonly count: number;
    };

/** A head recorded outside the store (`<seq>:<hash>`), which the chain must still contain. */
export interface ChainAnchor {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Append-only, hash-chained log: each entry carries the hash of the one before it, so an
 * edited or deleted entry shows up in `verify`.
 */
export interface AuditLog {
  /** For events that are not part of a request transition (refused queries, exports). */
  append(event: AuditEventInput): Promise<AuditEvent>;
  /** Oldest first. */
  list(query: AuditQuery): Promise<readonly AuditEvent[]>;
  /** Checks the whole chain, and that it still holds every anchor given. */
  verify(anchors?: readonly ChainAnchor[]): Promise<VerifyResult>;
}
