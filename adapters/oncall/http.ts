/**
 * One GET to an on-call service with plain fetch: a deadline per attempt, and on 429 a retry
 * after Retry-After (or the rate-limit reset header) when that wait is short. Someone is
 * waiting in chat, and a failure only means the approvers decide, so waits stay bounded.
 */
export interface GetOptions {
  /** `PagerDuty`, `Opsgenie`: how messages name the service. */
  readonly label: string;
  /** The environment variable holding the token, named when the token is refused. */
  readonly tokenVariable: string;
  readonly timeoutMs: number;
  /** 429s retried at most this many times, each only when the asked wait fits in maxWaitMs. */
  readonly retries: number;
  readonly maxWaitMs: number;
  /** The service's own error text from an error body. */
  readonly errorText: (body: unknown) => string | null;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type GetResult =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly message: string };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function getJson(
  url: URL,
  headers: Readonly<Record<string, string>>,
  o: GetOptions,
): Promise<GetResult> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...headers },
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return {
        ok: false,
        message: timedOut
          ? `${o.label} did not answer within ${Math.round(o.timeoutMs / 100) / 10}s`
          : `${o.label} could not be reached (${causeOf(error)})`,
      };
    }
    const body = await response.json().catch(() => null);
    if (response.ok) return { ok: true, body };
    const said = o.errorText(body);
    const detail = `${response.status}${said ? `: ${said}` : ''}`;
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers);
      if (attempt < o.retries && wait !== null && wait <= o.maxWaitMs) {
        await (o.sleep ?? pause)(wait);
        continue;
      }
      return { ok: false, message: `${o.label} is rate limiting the bot (${detail})` };
    }
    if (response.status === 401 || response.status === 403)
      return {
        ok: false,
        message: `${o.label} refused the API token (${detail}); check ${o.tokenVariable}`,
      };
    return { ok: false, message: `${o.label} answered ${detail}` };
  }
}

/** Retry-After in seconds or as a date; else a reset header in seconds (PagerDuty's). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(after);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers.get('ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : null;
}

function causeOf(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
