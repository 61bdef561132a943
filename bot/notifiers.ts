import type { SecurityAlert } from './core/domain/alert.ts';
import type { AccessRequest } from './core/domain/request.ts';
import type { Review, ReviewChange } from './core/domain/review.ts';
import type { Logger } from './core/ports/logger.ts';
import type { Notifier, RequestChange } from './core/ports/notifier.ts';

/**
 * Every configured platform hears every change; each decides what concerns it. A notifier
 * that fails (Redis gone between the change and queueing its messages) is logged, not
 * thrown: the change itself is stored and audited, and telling the person who acted that it
 * failed would be wrong.
 */
export class FanOutNotifier implements Notifier {
  readonly #notifiers: readonly Notifier[];
  readonly #log: Logger;

  constructor(notifiers: readonly Notifier[], log: Logger) {
    this.#notifiers = notifiers;
    this.#log = log;
  }

  async requestChanged(request: AccessRequest, change: RequestChange): Promise<void> {
    await this.#each((n) => n.requestChanged(request, change), { requestId: request.id, change });
  }

  async securityAlert(alert: SecurityAlert): Promise<void> {
    await this.#each((n) => n.securityAlert(alert), { alert: alert.key });
  }

  async reviewChanged(review: Review, change: ReviewChange): Promise<void> {
    await this.#each((n) => n.reviewChanged(review, change), { review: review.id, change });
  }

  async #each(call: (n: Notifier) => Promise<void>, context: Record<string, unknown>) {
    const results = await Promise.allSettled(this.#notifiers.map(call));
    for (const result of results) {
      if (result.status === 'rejected')
        this.#log.error(
          {
            ...context,
            err: result.reason instanceof Error ? result.reason.message : String(result.reason),
          },
          'notification could not be sent or queued',
        );
    }
  }
}
