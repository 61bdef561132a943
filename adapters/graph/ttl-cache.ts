/**
 * A small in-memory cache with expiry. Concurrent misses for one key share one load; a failed
 * load is not cached. With `staleOnError`, a failed refresh serves the expired value (and the
 * next call tries again), for data that rarely changes such as role definitions.
 */
interface Entry<T> {
  readonly value: Promise<T>;
  readonly until: number;
  readonly settled?: T;
}

/** Beyond this many keys, expired entries and then the oldest are dropped. */
const MAX_ENTRIES = 10_000;

export interface TtlCacheOptions<T> {
  readonly now?: () => number;
  readonly staleOnError?: boolean;
  /** A different lifetime for some values, e.g. shorter for "not found". */
  readonly ttlFor?: (value: T) => number;
}

export class TtlCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #options: TtlCacheOptions<T>;

  constructor(ttlMs: number, options: TtlCacheOptions<T> = {}) {
    this.#ttlMs = ttlMs;
    this.#now = options.now ?? Date.now;
    this.#options = options;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.until > this.#now()) return hit.value;
    const stale = hit && 'settled' in hit ? hit : undefined;
    const value = load().then(
      (v) => {
        const ttl = this.#options.ttlFor?.(v) ?? this.#ttlMs;
        this.#entries.set(key, { value: Promise.resolve(v), until: this.#now() + ttl, settled: v });
        return v;
      },
      (error: unknown) => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
        if (this.#options.staleOnError && stale) {
          // Keep serving the old value; the next call loads again.
          this.#entries.set(key, { ...stale, until: 0 });
          return stale.value;
        }
        throw error;
      },
    );
    // In flight: later callers share this load until it settles.
    this.#entries.set(key, { value, until: Number.POSITIVE_INFINITY });
    this.#prune();
    return value;
  }

  /** Seeds an entry (a user found by email is also known by id). */
  set(key: string, value: T): void {
    const ttl = this.#options.ttlFor?.(value) ?? this.#ttlMs;
    this.#entries.set(key, {
      value: Promise.resolve(value),
      until: this.#now() + ttl,
      settled: value,
    });
    this.#prune();
  }

  #prune(): void {
    if (this.#entries.size <= MAX_ENTRIES) return;
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= MAX_ENTRIES) break;
      this.#entries.delete(key);
    }
  }
}
