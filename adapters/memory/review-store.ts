/** Eligibility reviews in process memory, with the Redis store's semantics (kept as JSON). */
import type { Review } from '../../bot/core/domain/review.ts';
import type { ReviewStore } from '../../bot/core/ports/review-store.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';

export class MemoryReviewStore implements ReviewStore {
  readonly #reviews = new Map<string, string>();

  async create(review: Review): Promise<Result<Review, 'exists'>> {
    if (this.#reviews.has(review.id)) return err('exists');
    this.#reviews.set(review.id, JSON.stringify(review));
    return ok(review);
  }

  async get(id: string): Promise<Review | null> {
    const json = this.#reviews.get(id);
    return json === undefined ? null : (JSON.parse(json) as Review);
  }

  async update(next: Review): Promise<Result<Review, 'conflict'>> {
    const current = await this.get(next.id);
    if (!current || current.version !== next.version - 1) return err('conflict');
    this.#reviews.set(next.id, JSON.stringify(next));
    return ok(next);
  }

  async listOpen(): Promise<readonly Review[]> {
    return this.#all()
      .filter((r) => r.closedAt === null)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async listRecent(limit: number): Promise<readonly Review[]> {
    return this.#all()
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit);
  }

  #all(): Review[] {
    return [...this.#reviews.values()].map((json) => JSON.parse(json) as Review);
  }
}
