/**
 * A small typed client for the Microsoft.Authorization collections the bot uses, over
 * fetch with a token from the bot's one @azure/identity credential (scope
 * `${ARM_BASE_URL}/.default`).
 *
 * Why not @azure/arm-authorization: its stable 9.0.0 (2023) does speak api-version 2020-10-01
 * and honours a custom `$host`/`endpoint`, but it cannot send `$filter` on
 * roleManagementPolicyAssignments (it would list every role's policy at a subscription to read
 * one), its core-rest-pipeline retry waits out any Retry-After however long, it needs
 * @azure/core-paging besides, and importing it costs about 75 ms and 2 MB of heap (4-6 MB RSS)
 * for a handful of URLs; its 10.x line moves to a preview api-version. So: hand-built URLs,
 * one place.
 *
 * 429, 500, 502, 503 and 504 are retried honouring Retry-After, a few times and never for
 * long, as the Graph client does; a longer wait, a hung connection or retries running out
 * throw ArmUnavailableError and the job that made the call retries later. PUTs are safe to
 * retry: their names are derived from the request (request-name.ts).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { retryAfterSeconds } from '../graph/errors.ts';
import { type ArmFailure, ArmUnavailableError, isTransient } from './errors.ts';

export const ARM_BASE_URL = 'https://management.azure.com';
export const API_VERSION = '2020-10-01';
/** Microsoft.Resources (resource groups): not part of Microsoft.Authorization's versions. */
export const RESOURCES_API_VERSION = '2021-04-01';
/** Role definitions: no 2020-10-01 version of them exists. */
export const ROLE_DEFINITIONS_API_VERSION = '2022-04-01';

export type ArmResource =
  | 'roleEligibilityScheduleInstances'
  | 'roleAssignmentScheduleInstances'
  | 'roleAssignmentScheduleRequests'
  | 'roleEligibilityScheduleRequests'
  | 'roleManagementPolicyAssignments';

export interface ArmClientOptions {
  readonly baseUrl?: string;
  /** Retries of one call after a throttle, an outage or a network error. */
  readonly maxRetries?: number;
  /** Base of the exponential backoff when ARM sends no Retry-After, seconds. */
  readonly retryDelaySeconds?: number;
  /** Longest Retry-After waited out inside a call; a longer one throws for the job to retry. */
  readonly maxWaitSeconds?: number;
  /** One HTTP attempt that takes longer is aborted. */
  readonly attemptTimeoutMs?: number;
  /** Hears the status of every attempt (-1: no answer), for the metrics. */
  readonly onResponse?: (status: number) => void;
}

export type ArmAnswer<T> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | { readonly ok: false; readonly failure: ArmFailure };

const DEFAULTS = {
  maxRetries: 3,
  retryDelaySeconds: 1,
  maxWaitSeconds: 8,
  attemptTimeoutMs: 20_000,
};
/** Stops paging after this many pages: a loop in nextLinks must not hang a job. */
const MAX_PAGES = 1_000;
const RETRIED = new Set([429, 500, 502, 503, 504]);

interface Page<T> {
  readonly value?: T[];
  readonly nextLink?: string | null;
}

/** Each segment of an ARM id encoded, the slashes between them kept. */
export const armPath = (scope: string): string =>
  `/${scope
    .split('/')
    .filter(Boolean)
    .map((s) => encodeURIComponent(s))
    .join('/')}`;

export class ArmClient {
  readonly baseUrl: string;
  /** The token scope: `${origin}/.default`. */
  readonly tokenScope: string;
  readonly #credential: TokenCredential;
  readonly #o: typeof DEFAULTS & ArmClientOptions;
  #pendingToken: Promise<AccessToken | null> | null = null;

  constructor(credential: TokenCredential, options: ArmClientOptions = {}) {
    this.#credential = credential;
    this.#o = { ...DEFAULTS, ...options };
    const base = new URL(options.baseUrl ?? ARM_BASE_URL);
    if (base.protocol !== 'https:') throw new Error(`ARM_BASE_URL must be https: ${base.href}`);
    this.baseUrl = base.origin;
    this.tokenScope = `${base.origin}/.default`;
  }

  /** The URL of a collection (or one item of it) at an ARM scope. */
  url(scope: string, resource: ArmResource, name?: string): URL {
    const item = name === undefined ? '' : `/${encodeURIComponent(name)}`;
    const url = new URL(
      `${this.baseUrl}${armPath(scope)}/providers/Microsoft.Authorization/${resource}${item}`,
    );
    url.searchParams.set('api-version', API_VERSION);
    return url;
  }

  /** The resource groups of a subscription (Microsoft.Resources, its own api-version). */
  resourceGroupsUrl(subscriptionId: string): URL {
    const url = new URL(
      `${this.baseUrl}/subscriptions/${encodeURIComponent(subscriptionId)}/resourcegroups`,
    );
    url.searchParams.set('api-version', RESOURCES_API_VERSION);
    return url;
  }

  /** The role definitions assignable at a scope (their own api-version). */
  roleDefinitionsUrl(scope: string): URL {
    const url = new URL(
      `${this.baseUrl}${armPath(scope)}/providers/Microsoft.Authorization/roleDefinitions`,
    );
    url.searchParams.set('api-version', ROLE_DEFINITIONS_API_VERSION);
    return url;
  }

  /** Every item of a collection, following nextLink (on ARM's host only: the token goes along). */
  async list<T>(url: URL): Promise<ArmAnswer<T[]>> {
    const out: T[] = [];
    let next: string | null | undefined = url.href;
    for (let n = 0; next; n += 1) {
      if (new URL(next).origin !== this.baseUrl || n >= MAX_PAGES)
        throw new Error(`ARM paging of ${url.pathname} went astray at page ${n}: ${next}`);
      const page: ArmAnswer<Page<T>> = await this.send<Page<T>>('GET', new URL(next));
      if (!page.ok) return page;
      out.push(...(page.body.value ?? []));
      next = page.body.nextLink;
    }
    return { ok: true, status: 200, body: out };
  }

  /** One call, retried as the file comment says; a transient failure in the end is thrown. */
  async send<T>(method: 'GET' | 'PUT', url: URL, body?: unknown): Promise<ArmAnswer<T>> {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.#attempt<T>(method, url, body);
      if (answer.ok || !isTransient(answer.failure)) return answer;
      const wait = this.#waitSeconds(answer.failure, attempt);
      if (wait === null) throw new ArmUnavailableError(answer.failure);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }

  /** Seconds to wait before the next try, or null: give up now. */
  #waitSeconds(f: ArmFailure, attempt: number): number | null {
    if (attempt >= this.#o.maxRetries) return null;
    if (f.status !== -1 && !RETRIED.has(f.status)) return null;
    const wait = f.retryAfterSeconds ?? this.#o.retryDelaySeconds * 2 ** attempt;
    return wait <= this.#o.maxWaitSeconds ? wait : null;
  }

  async #attempt<T>(method: string, url: URL, body: unknown): Promise<ArmAnswer<T>> {
    const token = await this.#token();
    if (!token.ok) return token;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token.body}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#o.attemptTimeoutMs),
      });
    } catch (error) {
      this.#o.onResponse?.(-1);
      return { ok: false, failure: noAnswer(error) };
    }
    this.#o.onResponse?.(response.status);
    const text = await response.text();
    const parsed = parse(text);
    if (response.ok) return { ok: true, status: response.status, body: parsed as T };
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return {
      ok: false,
      failure: {
        status: response.status,
        code: typeof error?.code === 'string' ? error.code : `Http${response.status}`,
        message: typeof error?.message === 'string' ? error.message : text.slice(0, 200),
        retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
      },
    };
  }

  /** One token request at a time: concurrent cold calls share it (MSAL caches the result). */
  async #token(): Promise<ArmAnswer<string>> {
    this.#pendingToken ??= this.#credential.getToken(this.tokenScope).finally(() => {
      this.#pendingToken = null;
    });
    try {
      const token = await this.#pendingToken;
      if (token) return { ok: true, status: 200, body: token.token };
      return {
        ok: false,
        failure: { ...noAnswer(new Error('no token')), code: 'AuthenticationError' },
      };
    } catch (error) {
      return { ok: false, failure: noAnswer(error) };
    }
  }
}

function noAnswer(error: unknown): ArmFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return { status: -1, code: e.name, message: e.message, retryAfterSeconds: null };
}

function parse(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
