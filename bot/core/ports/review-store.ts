import type { Review } from '../domain/review.ts';
import type { Result } from '../result.ts';

/** Where eligibility reviews live. Writes are compare-and-set by version, like requests. */
export interface ReviewStore {
  /** Stores a new review (version 1); an id that exists is refused, so a period starts once. */
  create(review: Review): Promise<Result<Review, 'exists'>>;
  get(id: string): Promise<Review | null>;
  /** Stores `next` only if the stored version is `next.version - 1`. */
  update(next: Review): Promise<Result<Review, 'conflict'>>;
  /** Reviews not closed yet, oldest first. */
  listOpen(): Promise<readonly Review[]>;
  /** The most recent reviews, open or closed, newest first. */
  listRecent(limit: number): Promise<readonly Review[]>;
}
