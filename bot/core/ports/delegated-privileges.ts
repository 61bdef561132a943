/**
 * Delegated mode (DESIGN.md "Sign-in from chat"): PIM's self-service calls made with the
 * requester's own access token from a sign-in, so PIM itself checks eligibility, MFA and
 * approval, and the bot needs no write permission. The token is used for the one call and
 * dropped: an adapter never keeps, caches or logs it.
 */
import type { Target } from '../domain/target.ts';
import type { AppError } from '../errors.ts';
import type { Result } from '../result.ts';
import type { GrantRequest } from './privilege-provider.ts';

/**
 * PIM's own approval of a self-activation: the request came back `PendingApproval`, with the
 * approval's id. Who approves is PIM's approval rule (PimRules.approverIds, read by the app).
 */
export interface PimApproval {
  readonly approvalId: string;
}

/** What PIM says of a self-activation when it is read again (with the app's read permission). */
export interface SelfActivationState {
  readonly state: 'pending_approval' | 'granted' | 'denied' | 'unknown';
  readonly endsAt?: number;
}

/**
 * The person's access tokens from one sign-in, by the scope each was issued for (`scopeFor`):
 * an access token is for one API, so a request with Graph and ARM targets brings one of each.
 */
export type DelegatedTokens = ReadonlyMap<string, string>;

export interface DelegatedPrivileges {
  /** The kinds of target this adapter can self-activate. */
  readonly kinds: ReadonlySet<Target['kind']>;
  /** The scope the access token must carry for `kind` (added to the sign-in). */
  scopeFor(kind: Target['kind']): string | null;
  /** selfActivate for `grant.principalId`, who is the person the token was issued to. */
  selfActivate(
    token: string,
    grant: GrantRequest,
  ): Promise<Result<{ readonly endsAt: number; readonly pendingApproval?: PimApproval }, AppError>>;
  /**
   * An approver's decision recorded in PIM with the approver's own delegated token (Graph
   * `roleAssignmentApprovals/{id}/steps/{id}`, the ARM approvals API for Azure roles).
   */
  reviewApproval?(
    token: string,
    target: Target,
    approvalId: string,
    decision: 'approve' | 'deny',
    justification: string,
  ): Promise<Result<void, AppError>>;
  /** PIM's current state of the self-activation this request made (the card follows it). */
  activationState?(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<SelfActivationState, AppError>>;
  /** selfDeactivate; an assignment that is gone already counts as done. */
  selfDeactivate(
    token: string,
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>>;
}
