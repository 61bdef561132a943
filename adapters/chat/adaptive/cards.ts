/**
 * The Adaptive Cards with the facts they need bound in: the clock, the policy's zone and limits,
 * and the form reader. Teams and the sandbox console both show these cards, so they live here
 * rather than in either platform; the platforms stay free of rendering details.
 */

import { requestPolicy } from '../../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import type { AccessRequest } from '../../../bot/core/domain/request.ts';
import type { AppError } from '../../../bot/core/errors.ts';
import type { Clock } from '../../../bot/core/ports/clock.ts';
import { err, ok, type Result } from '../../../bot/core/result.ts';
import {
  approvalCard,
  type Card,
  errorCard,
  requestFormCard,
  textCard,
} from '../../../cards/teams/index.ts';
import { type FormFields, requestFromFields } from '../request-form.ts';

/** The chat user ids of a request's current approvers, for the card's refresh.userIds. */
export type ApproverIds = (request: AccessRequest) => Promise<readonly string[]>;

export class AdaptiveCards {
  readonly #clock: Clock;
  readonly #policy: () => Policy;
  readonly #approverIds: ApproverIds;

  constructor(clock: Clock, policy: () => Policy, approverIds: ApproverIds = async () => []) {
    this.#clock = clock;
    this.#policy = policy;
    this.#approverIds = approverIds;
  }

  /** The approval card as every viewer should see it: refreshed for all current approvers. */
  async approvalFor(request: AccessRequest): Promise<Card> {
    return this.approval(request, await this.#approverIds(request));
  }

  approval(request: AccessRequest, approverIds: readonly string[] = []): Card {
    const max = requestPolicy(this.#policy(), request).maxDuration;
    return approvalCard(
      request,
      { maxDuration: max, quorum: request.approval.quorum },
      approverIds,
      this.#clock.now(),
      this.#policy().timezone,
    );
  }

  /** The current card with the reason an action was refused on top. */
  async approvalWithNotice(request: AccessRequest, error: AppError): Promise<Card> {
    return this.withNotice(await this.approvalFor(request), error);
  }

  /** `card` with why the click was refused on top. */
  withNotice(card: Card, error: AppError): Card {
    const notice = errorCard(error);
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
    // The notice's own button (an MFA sign-in link) comes first, before the card's actions.
    const actions = [...list(notice.actions), ...list(card.actions)];
    return {
      ...card,
      body: [...list(notice.body), ...list(card.body)],
      ...(actions.length > 0 ? { actions } : {}),
    };
  }

  error(error: AppError): Card {
    return errorCard(error);
  }

  text(text: string): Card {
    return textCard(text);
  }

  /** Form values back into command text; problems come back as the form with errors. */
  formToCommand(data: Record<string, unknown>): Result<string, Card> {
    const fields: FormFields = {
      // Input.ChoiceSet with isMultiSelect submits the chosen values comma-separated.
      roles: typeof data.roles === 'string' && data.roles !== '' ? data.roles.split(',') : [],
      duration: str(data.duration),
      start: str(data.start),
      ticket: str(data.ticket),
      reason: str(data.reason) ?? '',
    };
    const read = requestFromFields(fields);
    if (read.ok) return ok(read.value);
    return err(requestFormCard(fields, [], read.error));
  }

  get now(): number {
    return this.#clock.now();
  }

  get timezone(): string {
    return this.#policy().timezone;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
