/**
 * The scheduled look at the audit chain: an edited or deleted entry becomes a security alert
 * naming the first bad entry.
 */
import type { SecurityAlert } from '../domain/alert.ts';
import type { VerifyResult } from '../ports/audit-log.ts';
import type { CoreDeps } from './deps.ts';

const PROBLEMS = {
  hash_mismatch: 'was edited: its content no longer matches its hash',
  broken_link: 'does not link to the entry before it',
  missing_entry: 'is missing: it was deleted',
  head_mismatch: 'is past the recorded head: entries at the end were deleted or the head was reset',
  anchor_mismatch: 'differs from the head recorded outside Redis: the chain was rewritten',
  truncated: 'and the ones after it are gone, head and all: the chain was cut short',
  reset: 'and every entry after it are gone: the chain was reset to zero entries',
} as const;

export async function checkAuditChain(
  deps: CoreDeps,
): Promise<{ result: VerifyResult; alert: SecurityAlert | null }> {
  const result = await deps.audit.verify();
  if (result.ok) return { result, alert: null };
  const alert: SecurityAlert = {
    kind: 'audit_chain_broken',
    key: `audit-chain:${result.firstBadSeq}:${result.problem}`,
    title: 'The audit trail has been tampered with',
    details: [
      `Entry ${result.firstBadSeq} ${PROBLEMS[result.problem]}.`,
      `${result.count} entries before it are intact.`,
    ],
    action:
      'Treat Redis as compromised: find who had write access, compare with your SIEM copy or backups, and run `npm run audit:verify` after restoring.',
    since: null,
  };
  return { result, alert };
}
