import type { Principal, PrincipalRef } from '../domain/principal.ts';

/** Users and groups in Entra ID. */
export interface DirectoryLookup {
  /** By object id, UPN or email. Null when there is no such enabled user. */
  findUser(idOrEmail: string): Promise<Principal | null>;
  /**
   * Whether the user is one of `refs`: listed by email/UPN, or a transitive member of a listed
   * `group:<id>`.
   */
  isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean>;
}
