/** A small in-memory cache with expiry; concurrent misses for one key share one load. */
export class TtlCache<T> {
  readonly #entries = new Map<string, { value: Promise<T>; until: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.until > this.#now()) return hit.value;
    const value = load();
    this.#entries.set(key, { value, until: this.#now() + this.#ttlMs });
    value.catch(() => this.#entries.delete(key));
    return value;
  }
}
