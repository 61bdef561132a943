import type { Principal, PrincipalRef } from '../domain/principal.ts';

/**
 * Users and groups in Entra ID. A name is resolved to one object id: by object id, by UPN
 * first, then by `mail` only when exactly one enabled user has it. Every comparison of people
 * is a comparison of object ids.
 */
export interface DirectoryLookup {
  /** By object id, UPN or email. Null when there is no such enabled user. */
  findUser(idOrEmail: string): Promise<Principal | null>;
  /**
   * Whether the account exists and is enabled, read now (never from a cache): asked at submit,
   * approval and activation, so a disabled account stops there at once.
   */
  isEnabled(principalId: string): Promise<boolean>;
  /**
   * Whether the enabled user is one of `refs`: a listed email/UPN that resolves to this
   * user's object id, or a transitive member of a listed `group:<id>`.
   */
  isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean>;
  /**
   * When the user last signed in (Entra signInActivity, epoch ms), by object id, read now:
   * for an eligibility review's card. Null when they never signed in, or there is no such
   * user. Optional: a directory that cannot tell leaves it out. A read the directory refuses
   * (Graph without AuditLog.Read.All) throws a ServiceError with the catalogue message.
   */
  lastSignIn?(principalId: string): Promise<number | null>;
}
