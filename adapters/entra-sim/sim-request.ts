/**
 * What the simulated tenant's one extension point sees: every HTTP request, parsed, and the
 * reply it gets. A middleware may answer by itself or pass the request on with `next()` and
 * look at (or replace) what came back; the tests build fault injection and call recording on
 * this, the product adds nothing here.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SimRequest {
  readonly method: string;
  /** Path and query string as sent. */
  readonly url: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body as JSON, as text when it is not JSON, null when empty. */
  readonly body: unknown;
  readonly raw: Buffer;
  /** Set for Microsoft Graph calls (under /v1.0): the path below it, and whether the token held. */
  readonly graph: { readonly path: string; readonly authenticated: boolean } | null;
  /** Set for Azure Resource Manager calls (on the ARM origin): the path, and whether the token held. */
  readonly arm?: { readonly path: string; readonly authenticated: boolean } | null;
}

export interface SimReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export type SimMiddleware = (req: SimRequest, next: () => SimReply) => SimReply;
