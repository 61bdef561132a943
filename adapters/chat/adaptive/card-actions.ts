/**
 * Adaptive Card actions (Action.Execute verb + data) run against the core, answered with the
 * card to show in place of the one clicked. Free of botbuilder: Teams' invoke handler and the
 * sandbox console both call this. Who acted comes from the caller's authentication, never
 * from card data.
 */
import { parseDuration } from '../../../bot/core/domain/duration.ts';
import type { Principal } from '../../../bot/core/domain/principal.ts';
import type { AccessRequest, Platform } from '../../../bot/core/domain/request.ts';
import { type AppError, appError } from '../../../bot/core/errors.ts';
import type { Result } from '../../../bot/core/result.ts';
import { acknowledgeBreakglass } from '../../../bot/core/usecases/breakglass.ts';
import { handleCommand } from '../../../bot/core/usecases/chat-command.ts';
import { approve, deny } from '../../../bot/core/usecases/decide.ts';
import type { CoreDeps } from '../../../bot/core/usecases/deps.ts';
import { end } from '../../../bot/core/usecases/end.ts';
import { extend } from '../../../bot/core/usecases/extend.ts';
import { historyPage } from '../../../bot/core/usecases/history-paging.ts';
import { mayView } from '../../../bot/core/usecases/may-view.ts';
import { decideReviewItem } from '../../../bot/core/usecases/reviews.ts';
import { renewSignInLink } from '../../../bot/core/usecases/step-up.ts';
import { type Card, reasonInputId, reviewCard } from '../../../cards/teams/index.ts';
import { decodeHistoryState } from '../history-state.ts';
import type { AdaptiveCards } from './cards.ts';
import { renderCardReply } from './replies.ts';

export interface CardAction {
  readonly verb: string;
  readonly data: Record<string, unknown>;
}

/**
 * What an action did: changed a request (`done`), was refused (with the request as it now
 * stands, when there is one), or answered with a card of its own (history, form, unknown).
 */
export type ActionOutcome =
  | { readonly ok: true; readonly value: AccessRequest }
  | { readonly ok: false; readonly error: AppError; readonly current: AccessRequest | null }
  | { readonly ok: 'card'; readonly card: Card };

/** The card to show in place of the one clicked. */
export async function runCardAction(
  core: CoreDeps,
  cards: AdaptiveCards,
  who: Principal,
  platform: Platform,
  action: CardAction,
): Promise<Card> {
  return actionCard(cards, await performCardAction(core, cards, who, platform, action));
}

/** Approval cards come back refreshed for every current approver, like the ones posted. */
export async function actionCard(cards: AdaptiveCards, outcome: ActionOutcome): Promise<Card> {
  if (outcome.ok === 'card') return outcome.card;
  if (!outcome.ok) {
    const { current } = outcome;
    // The card shows the current state; the reason the action was refused goes on top.
    return current ? cards.approvalWithNotice(current, outcome.error) : cards.error(outcome.error);
  }
  return cards.approvalFor(outcome.value);
}

/**
 * The card for an action that threw: the request's card with the failure on top when the
 * action was about a request the clicker may read, else the failure alone.
 */
export async function failedActionCard(
  core: CoreDeps,
  cards: AdaptiveCards,
  who: Principal | null,
  action: CardAction,
  error: AppError,
): Promise<Card> {
  const current = who ? await readable(core, requestIdOf(action), who).catch(() => null) : null;
  return current ? cards.approvalWithNotice(current, error) : cards.error(error);
}

/** The request, when `who` may read it (mayView); null otherwise or when there is none. */
async function readable(
  core: CoreDeps,
  requestId: string,
  who: Principal,
): Promise<AccessRequest | null> {
  const request = requestId ? await core.store.get(requestId) : null;
  return request && (await mayView(core, request, who)) ? request : null;
}

const requestIdOf = (action: CardAction): string =>
  typeof action.data.requestId === 'string' ? action.data.requestId : '';

/** Keep / Remove on a review card: the card comes back as it now stands, a refusal on top. */
async function reviewAction(
  core: CoreDeps,
  cards: AdaptiveCards,
  who: Principal,
  { verb, data }: CardAction,
): Promise<Card> {
  const reviewId = typeof data.reviewId === 'string' ? data.reviewId : '';
  const principalId = typeof data.principalId === 'string' ? data.principalId : '';
  const reason = data[reasonInputId(principalId)];
  const decided = await decideReviewItem(core, {
    reviewId,
    principalId,
    verdict: verb === 'reviewRemove' ? 'remove' : 'keep',
    by: who,
    reason: typeof reason === 'string' ? reason : '',
  });
  if (decided.ok) return reviewCard(decided.value, cards.timezone);
  const current = reviewId ? await core.reviews?.get(reviewId) : null;
  return current
    ? cards.withNotice(reviewCard(current, cards.timezone), decided.error)
    : cards.error(decided.error);
}

export async function performCardAction(
  core: CoreDeps,
  cards: AdaptiveCards,
  who: Principal,
  platform: Platform,
  action: CardAction,
): Promise<ActionOutcome> {
  const { data } = action;
  const requestId = requestIdOf(action);
  let outcome: Result<AccessRequest, AppError>;
  switch (action.verb) {
    case 'approve':
      outcome = await approve(core, requestId, who);
      break;
    case 'deny':
      outcome = await deny(
        core,
        requestId,
        who,
        typeof data.denyReason === 'string' ? data.denyReason : '',
      );
      break;
    case 'deactivate':
      outcome = await end(core, requestId, 'deactivated', who);
      break;
    case 'acknowledge':
      outcome = await acknowledgeBreakglass(core, requestId, who);
      break;
    case 'breakglassConfirm': {
      // The clicker confirms as themselves: everything is checked again, as if typed.
      const text = typeof data.text === 'string' ? data.text : '';
      const reply = await handleCommand(
        core,
        { principal: who, platform },
        `breakglass confirm ${text}`,
      );
      return { ok: 'card', card: await renderCardReply(reply, cards) };
    }
    case 'signInAgain': {
      const renewed = await renewSignInLink(core, requestId, who);
      if (!renewed.ok) return { ...renewed, current: await core.store.get(requestId) };
      return {
        ok: 'card',
        card: cards.text(
          'A new sign-in link is on its way to this chat. Older links stay single use.',
        ),
      };
    }
    case 'extend': {
      const seconds = parseDuration(typeof data.extendBy === 'string' ? data.extendBy : '');
      outcome = seconds
        ? await extend(core, requestId, who, seconds)
        : {
            ok: false,
            error: appError('command.bad_duration', { text: String(data.extendBy ?? '') }),
          };
      break;
    }
    case 'refresh': {
      const request = await core.store.get(requestId);
      if (request && !(await mayView(core, request, who)))
        return {
          ok: false,
          error: appError('request.not_visible', { id: requestId }),
          current: null,
        };
      outcome = request
        ? { ok: true, value: request }
        : { ok: false, error: appError('request.not_found', { id: requestId }) };
      break;
    }
    case 'reviewKeep':
    case 'reviewRemove':
      return { ok: 'card', card: await reviewAction(core, cards, who, action) };
    case 'historyPage': {
      // Client-sent state, decoded strictly; the page is read as the clicker, who may not be
      // the person the card was first shown to.
      const state = decodeHistoryState(data.state);
      const reply = state
        ? await historyPage(core, who, state)
        : { kind: 'error' as const, error: appError('history.bad_cursor') };
      return { ok: 'card', card: await renderCardReply(reply, cards) };
    }
    case 'request': {
      const text = cards.formToCommand(data);
      if (!text.ok) return { ok: 'card', card: text.error };
      const reply = await handleCommand(core, { principal: who, platform }, text.value);
      return { ok: 'card', card: await renderCardReply(reply, cards) };
    }
    default:
      return {
        ok: 'card',
        card: cards.error(
          appError('command.bad_argument', {
            command: 'card',
            text: String(action.verb),
            example: '/elevate help',
          }),
        ),
      };
  }
  // A refused click shows the request only to those who may read it.
  if (!outcome.ok) return { ...outcome, current: await readable(core, requestId, who) };
  return outcome;
}
