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
  }[result.problem];
  return `audit chain BROKEN: entry ${result.firstBadSeq} ${what}; ${result.count} entries before it verified.`;
}
