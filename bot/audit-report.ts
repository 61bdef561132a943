import type { VerifyResult } from './core/ports/audit-log.ts';

/** One line for people: intact, or which entry broke the chain and how. */
export function describeVerify(result: VerifyResult): string {
  if (result.ok)
    return `audit chain intact: ${result.count} entries, head ${result.headHash.slice(0, 16)}…`;
  const what = {
    hash_mismatch: 'was edited (its hash does not match its content)',
    broken_link: 'does not link to the entry before it',
    missing_entry: 'is missing (deleted)',
    head_mismatch:
      'does not match the recorded head (entries at the end were deleted or the head was reset)',
    anchor_mismatch: 'differs from the anchored head (the chain was rewritten)',
    truncated: 'and the ones after it up to the anchor are missing (the chain was truncated)',
    reset: 'and all others are missing: the chain was reset to zero entries below the anchor',
  }[result.problem];
  return `audit chain BROKEN: entry ${result.firstBadSeq} ${what}; ${result.count} entries before it verified.`;
}
