/** An Entra user as the core sees it. `id` is the Entra object id: the identity that counts. */
export interface Principal {
  readonly id: string;
  readonly displayName: string;
  readonly email?: string;
}

/**
 * An approver or auditor as written in policy.yaml: an email/UPN, or `group:<objectId>` for
 * everyone in that group (transitively).
 */
export type PrincipalRef = string;

export const isGroupRef = (ref: PrincipalRef): boolean => ref.startsWith('group:');
export const groupIdOf = (ref: PrincipalRef): string => ref.slice('group:'.length);
