/** One ARM call as the routes see it. */
export interface ArmCall {
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly now: number;
  /** Who signed in, for a person's delegated token; absent for the app's own. */
  readonly user?: { readonly oid: string; readonly mfa: boolean };
}
