import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Review, ReviewChange } from '../../bot/core/domain/review.ts';
import type { Notifier, RequestChange } from '../../bot/core/ports/notifier.ts';

/** Keeps what would have been posted, for tests and the sandbox console. */
export class MemoryNotifier implements Notifier {
  readonly sent: { readonly request: AccessRequest; readonly change: RequestChange }[] = [];

  async requestChanged(request: AccessRequest, change: RequestChange): Promise<void> {
    this.sent.push({ request, change });
  }

  readonly alerts: SecurityAlert[] = [];

  async securityAlert(alert: SecurityAlert): Promise<void> {
    this.alerts.push(alert);
  }

  readonly reviews: { readonly review: Review; readonly change: ReviewChange }[] = [];

  async reviewChanged(review: Review, change: ReviewChange): Promise<void> {
    this.reviews.push({ review, change });
  }

  changes(requestId: string): RequestChange[] {
    return this.sent.filter((s) => s.request.id === requestId).map((s) => s.change);
  }
}
