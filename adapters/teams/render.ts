/**
 * The Teams cards with the facts they need bound in: the clock, the policy's zone and limits,
 * and the form reader. Keeps bot.ts and the notifier free of rendering details.
 */

import { combinePolicies, rolePolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { AppError } from '../../bot/core/errors.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import {
  approvalCard,
  type Card,
  errorCard,
  requestFormCard,
  textCard,
} from '../../cards/teams/index.ts';
import { type FormFields, requestFromFields } from '../chat/request-form.ts';

export class TeamsCards {
  readonly #clock: Clock;
  readonly #policy: () => Policy;

  constructor(clock: Clock, policy: () => Policy) {
    this.#clock = clock;
    this.#policy = policy;
  }

  approval(request: AccessRequest, approverIds: readonly string[] = []): Card {
    const max = combinePolicies(
      request.targets.map((t) => rolePolicy(this.#policy(), t.name)),
    ).maxDuration;
    return approvalCard(
      request,
      { maxDuration: max, quorum: request.approval.quorum },
      approverIds,
      this.#clock.now(),
      this.#policy().timezone,
    );
  }

  /** The current card with the reason an action was refused on top. */
  approvalWithNotice(request: AccessRequest, error: AppError): Card {
    const card = this.approval(request);
    const body = Array.isArray(card.body) ? card.body : [];
    return { ...card, body: [...(errorCard(error).body as unknown[]), ...body] };
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
