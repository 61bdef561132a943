/**
 * The export links that have been followed, so that each works once. A link is remembered for
 * as long as it would otherwise still be valid.
 */
export interface UsedLinks {
  /** True the first time the link with this nonce is used; false every time after. */
  use(nonce: string, validForSeconds: number): Promise<boolean>;
}
