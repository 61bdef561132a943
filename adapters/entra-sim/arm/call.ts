/** One ARM call as the routes see it. */
export interface ArmCall {
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly now: number;
}
