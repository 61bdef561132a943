/**
 * Typed Graph calls for the adapters: every page of a collection, OData filters escaped and
 * encoded (the SDK puts query values into the URL as they are), and failures sorted into
 * refusals (GraphRefusedError, with the catalogue message), outages (GraphUnavailableError,
 * retry later) and bugs (rethrown as they came).
 */
import type { Client, GraphRequest } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../../bot/core/ports/logger.ts';
import {
  entraCode,
  failureOf,
  type GraphCallKind,
  type GraphFailure,
  GraphRefusedError,
  GraphUnavailableError,
  isSignInRefused,
  isTransient,
  refusal,
} from './errors.ts';

export interface Query {
  readonly filter?: string;
  readonly select?: string;
  readonly expand?: string;
}

interface Page<T> {
  readonly value: T[];
  readonly '@odata.nextLink'?: string;
}

/** An OData string literal: `'o''brien@contoso.com'`. */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** A single path segment (a UPN may hold `#` or `'`). */
export const segment = (value: string): string => encodeURIComponent(value);

/** Stops paging after this many pages: a loop in nextLinks must not hang a job. */
const MAX_PAGES = 1_000;

export class GraphReader {
  readonly client: Client;
  readonly #origin: string;
  readonly #log: Logger | undefined;

  constructor(client: Client, baseUrl: string, log?: Logger) {
    this.client = client;
    this.#origin = new URL(baseUrl).origin;
    this.#log = log;
  }

  /** Every item of a collection, following @odata.nextLink. */
  async list<T>(path: string, kind: GraphCallKind, query: Query = {}): Promise<T[]> {
    const out: T[] = [];
    let page = await this.run(
      kind,
      path,
      () => this.#request(path, query).get() as Promise<Page<T>>,
    );
    out.push(...page.value);
    for (let n = 1; page['@odata.nextLink']; n += 1) {
      const next = page['@odata.nextLink'];
      // The token goes wherever the link points; it must stay on the Graph host.
      if (new URL(next).origin !== this.#origin || n >= MAX_PAGES)
        throw new Error(`Graph paging of ${path} went astray at page ${n}: ${next}`);
      page = await this.run(kind, path, () => this.client.api(next).get() as Promise<Page<T>>);
      out.push(...page.value);
    }
    return out;
  }

  /** One object, or null when Graph has none (404). */
  async get<T>(path: string, kind: GraphCallKind, query: Query = {}): Promise<T | null> {
    try {
      return (await this.#request(path, query).get()) as T;
    } catch (error) {
      if (failureOf(error).status === 404) return null;
      throw this.#sorted(error, kind, path);
    }
  }

  async post<T>(path: string, kind: GraphCallKind, body: unknown): Promise<T> {
    return this.run(kind, path, () => this.client.api(path).post(body) as Promise<T>);
  }

  /** Runs a call; a failure is thrown sorted (see the file comment). */
  async run<T>(kind: GraphCallKind, subject: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.#sorted(error, kind, subject);
    }
  }

  /**
   * What went wrong with a call, for a caller that handles refusals itself (writes). A
   * refused sign-in is logged with its Entra code; an outage is thrown, to be retried later.
   */
  failureOrThrow(error: unknown): GraphFailure {
    const failure = failureOf(error);
    if (isSignInRefused(failure)) this.#signInRefused(failure);
    if (isTransient(failure)) throw new GraphUnavailableError(failure, { cause: error });
    return failure;
  }

  #sorted(error: unknown, kind: GraphCallKind, subject: string): Error {
    const failure = this.failureOrThrow(error);
    const refused = refusal(failure, kind, subject);
    if (refused)
      return new GraphRefusedError(refused, {
        cause: error,
        fields: { status: failure.status, graphCode: failure.code, entraCode: entraCode(failure) },
      });
    return error instanceof Error ? error : new Error(String(error));
  }

  #signInRefused(failure: GraphFailure): void {
    this.#log?.error(
      { entraCode: entraCode(failure), status: failure.status },
      'Entra refused the bot sign-in: check AZURE_TENANT_ID, AZURE_CLIENT_ID and the credential',
    );
  }

  #request(path: string, query: Query): GraphRequest {
    let request = this.client.api(path);
    if (query.filter) request = request.filter(encodeURIComponent(query.filter));
    if (query.select) request = request.select(query.select);
    if (query.expand) request = request.expand(query.expand);
    return request;
  }
}

/**
 * Like Promise.all, but waits for every call before throwing the first failure, so no call
 * is left running unobserved when one fails.
 */
export async function together<T extends readonly unknown[]>(
  calls: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const results = await Promise.allSettled(calls);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as unknown as T;
}
