import type { SecurityAlert } from './core/domain/alert.ts';
import type { AccessRequest } from './core/domain/request.ts';
import type { Notifier, RequestChange } from './core/ports/notifier.ts';

/** Every configured platform hears every change; each decides what concerns it. */
export class FanOutNotifier implements Notifier {
  readonly #notifiers: readonly Notifier[];

  constructor(notifiers: readonly Notifier[]) {
    this.#notifiers = notifiers;
  }

  async requestChanged(request: AccessRequest, change: RequestChange): Promise<void> {
    await Promise.all(this.#notifiers.map((n) => n.requestChanged(request, change)));
  }

  async securityAlert(alert: SecurityAlert): Promise<void> {
    await Promise.all(this.#notifiers.map((n) => n.securityAlert(alert)));
  }
}
