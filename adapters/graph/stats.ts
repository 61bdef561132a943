/**
 * Counters of Graph traffic by outcome, for /metrics and for tests that must prove a call was
 * (or was not) made. Every HTTP attempt counts, retries included.
 */
export type GraphOutcome =
  | 'ok'
  | 'throttled'
  | 'unavailable'
  | 'client_error'
  | 'server_error'
  | 'network_error';

export interface GraphStatsSnapshot {
  /** HTTP attempts made to Graph. */
  readonly requests: number;
  /** Of those, repeats by the retry middleware. */
  readonly retries: number;
  readonly byOutcome: Readonly<Record<GraphOutcome, number>>;
  /** Entra refused or could not give the bot a token (no Graph request was made). */
  readonly signInFailures: number;
}

export function outcomeOf(status: number | null): GraphOutcome {
  if (status === null) return 'network_error';
  if (status === 429) return 'throttled';
  if (status === 503 || status === 504) return 'unavailable';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}

export class GraphStats {
  #requests = 0;
  #retries = 0;
  #signInFailures = 0;
  readonly #byOutcome: Record<GraphOutcome, number> = {
    ok: 0,
    throttled: 0,
    unavailable: 0,
    client_error: 0,
    server_error: 0,
    network_error: 0,
  };
  readonly #onResponse: ((status: number) => void) | undefined;

  /** `onResponse` hears the status of every answered attempt (Prometheus counters). */
  constructor(onResponse?: (status: number) => void) {
    this.#onResponse = onResponse;
  }

  /** One attempt: its HTTP status, or null when no response came. */
  record(status: number | null, retry: boolean): void {
    this.#requests += 1;
    if (retry) this.#retries += 1;
    this.#byOutcome[outcomeOf(status)] += 1;
    if (status !== null) this.#onResponse?.(status);
  }

  signInFailed(): void {
    this.#signInFailures += 1;
  }

  snapshot(): GraphStatsSnapshot {
    return {
      requests: this.#requests,
      retries: this.#retries,
      byOutcome: { ...this.#byOutcome },
      signInFailures: this.#signInFailures,
    };
  }
}
