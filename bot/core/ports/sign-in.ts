/**
 * Sign-in from chat (DESIGN.md "Sign-in from chat"): links that send one person to an Entra
 * sign-in for one request and purpose, and the MFA proofs approvers bring back.
 */
import type { Principal } from '../domain/principal.ts';

/** What a sign-in is for; a proof for one purpose never counts for another. */
export type SignInPurpose = 'activate' | 'approve' | 'extend' | 'delegate' | 'pim_review';

/** Who a link is for and why. The Entra object id of `person` must match the sign-in's `oid`. */
export interface SignInGrant {
  readonly requestId: string;
  readonly person: Principal;
  readonly purpose: SignInPurpose;
  /**
   * For `extend`: the extension it is for (its `askedAt`), so a link left over from an
   * earlier extension of the same grant counts for nothing.
   */
  readonly extension?: number;
  /** For `pim_review`: what the approver decides in PIM with this sign-in. */
  readonly decision?: 'approve' | 'deny';
}

export interface SignInLinks {
  /** A fresh single-use link (10 minutes) to the sign-in for `grant`. */
  create(grant: SignInGrant): Promise<string>;
}

/** Approvers' recent MFA sign-ins, per person and purpose, kept as long as the window asked. */
export interface MfaProofs {
  remember(personId: string, purpose: SignInPurpose, at: number, ttlSeconds: number): Promise<void>;
  /** When the person last proved MFA for `purpose`, or null when no proof is kept. */
  provenAt(personId: string, purpose: SignInPurpose): Promise<number | null>;
}

export interface SignIn {
  readonly links: SignInLinks;
  readonly proofs: MfaProofs;
}
