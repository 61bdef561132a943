import type { Policy } from '../domain/policy.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Clock } from '../ports/clock.ts';
import type { DelegatedPrivileges } from '../ports/delegated-privileges.ts';
import type { DirectoryLookup } from '../ports/directory.ts';
import type { Ids } from '../ports/ids.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { OnCallLookup } from '../ports/on-call.ts';
import type { PrivilegeProvider } from '../ports/privilege-provider.ts';
import type { RequestStore } from '../ports/request-store.ts';
import type { ReviewStore } from '../ports/review-store.ts';
import type { Scheduler } from '../ports/scheduler.ts';
import type { SignIn } from '../ports/sign-in.ts';

/** Everything a use case may touch: ports only, so the core never sees an SDK. */
export interface CoreDeps {
  readonly store: RequestStore;
  readonly audit: AuditLog;
  readonly directory: DirectoryLookup;
  readonly privileges: PrivilegeProvider;
  readonly notifier: Notifier;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly ids: Ids;
  /** Read on every use so that a reloaded policy applies to new requests at once. */
  readonly policy: () => Policy;
  /**
   * Sign-in from chat (PUBLIC_URL and the app's own credential). Absent: nothing can prove
   * an MFA sign-in, so roles that need one are refused, never granted without it.
   */
  readonly signIn?: SignIn;
  /**
   * PagerDuty / Opsgenie, for policy approval.autoApprove.onCall. Absent: no on-call
   * approval (start-up refuses a policy that asks for it without a token).
   */
  readonly onCall?: OnCallLookup;
  /**
   * PIM's self-service calls with the requester's own token, for `mode: delegated`. Absent:
   * start-up refuses a policy that asks for delegated mode.
   */
  readonly delegated?: DelegatedPrivileges;
  /** Eligibility reviews (policy `reviews:`). Absent: `/elevate review` says none are run. */
  readonly reviews?: ReviewStore;
}
