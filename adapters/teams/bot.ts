/**
 * The Teams bot: messages carry commands (with or without the slash, in 1:1, group chat or a
 * channel, the @mention stripped), Action.Execute invokes carry card actions. Who acted is the
 * activity's `from.aadObjectId`, authenticated by the Bot Framework token; never card data.
 */
import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  TurnContext as Turn,
  type TurnContext,
} from 'botbuilder';
import { parseDuration } from '../../bot/core/domain/duration.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Result } from '../../bot/core/result.ts';
import { handleCommand } from '../../bot/core/usecases/chat-command.ts';
import { approve, deny } from '../../bot/core/usecases/decide.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { end } from '../../bot/core/usecases/end.ts';
import { extend } from '../../bot/core/usecases/extend.ts';
import type { Logger } from '../../bot/log.ts';
import type { Card } from '../../cards/teams/index.ts';
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import type { TeamsCards } from './render.ts';
import { renderTeamsReply } from './replies.ts';

export interface TeamsBotDeps {
  readonly core: CoreDeps;
  readonly conversations: ConversationRefs;
  readonly cards: TeamsCards;
  readonly log: Logger;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

export class TeamsBot extends ActivityHandler {
  readonly #d: TeamsBotDeps;

  constructor(deps: TeamsBotDeps) {
    super();
    this.#d = deps;
    this.onMessage(async (context, next) => {
      await this.#message(context);
      await next();
    });
  }

  async #message(context: TurnContext): Promise<void> {
    const { activity } = context;
    const who = await this.#principal(activity.from.aadObjectId);
    if (!who.ok) return void (await this.#sendCard(context, this.#d.cards.error(who.error)));
    if (
      activity.conversation.conversationType === 'personal' ||
      !activity.conversation.conversationType
    ) {
      await this.#d.conversations.save(who.value.id, Turn.getConversationReference(activity));
    }
    const text = (Turn.removeRecipientMention(activity) ?? activity.text ?? '').trim();
    const reply = await handleCommand(
      this.#d.core,
      { principal: who.value, platform: 'teams' },
      text,
    );
    const card = await renderTeamsReply(reply, this.#d.cards);
    await this.#sendCard(context, card);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const who = await this.#principal(context.activity.from.aadObjectId);
    if (!who.ok) return this.#cardResponse(this.#d.cards.error(who.error));
    const data = (invoke.action.data ?? {}) as Record<string, unknown>;
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    const core = this.#d.core;
    let outcome: Result<AccessRequest, AppError>;
    switch (invoke.action.verb) {
      case 'approve':
        outcome = await approve(core, requestId, who.value);
        break;
      case 'deny':
        outcome = await deny(
          core,
          requestId,
          who.value,
          typeof data.denyReason === 'string' ? data.denyReason : '',
        );
        break;
      case 'deactivate':
        outcome = await end(core, requestId, 'deactivated', who.value);
        break;
      case 'extend': {
        const seconds = parseDuration(typeof data.extendBy === 'string' ? data.extendBy : '');
        outcome = seconds
          ? await extend(core, requestId, who.value, seconds)
          : {
              ok: false,
              error: appError('command.bad_duration', { text: String(data.extendBy ?? '') }),
            };
        break;
      }
      case 'refresh': {
        const request = await core.store.get(requestId);
        outcome = request
          ? { ok: true, value: request }
          : { ok: false, error: appError('request.not_found', { id: requestId }) };
        break;
      }
      case 'request': {
        const text = this.#d.cards.formToCommand(data);
        if (!text.ok) return this.#cardResponse(text.error);
        const reply = await handleCommand(
          core,
          { principal: who.value, platform: 'teams' },
          text.value,
        );
        return this.#cardResponse(await renderTeamsReply(reply, this.#d.cards));
      }
      default:
        return this.#cardResponse(
          this.#d.cards.error(
            appError('command.bad_argument', {
              command: 'card',
              text: String(invoke.action.verb),
              example: '/elevate help',
            }),
          ),
        );
    }
    if (!outcome.ok) {
      const current = await core.store.get(requestId);
      // The card shows the current state; the reason the action was refused goes on top.
      return this.#cardResponse(
        current
          ? this.#d.cards.approvalWithNotice(current, outcome.error)
          : this.#d.cards.error(outcome.error),
      );
    }
    return this.#cardResponse(await this.#d.cards.approval(outcome.value));
  }

  async #principal(aadObjectId: string | undefined): Promise<Result<Principal, AppError>> {
    const principal = aadObjectId ? await this.#d.core.directory.findUser(aadObjectId) : null;
    return principal
      ? { ok: true, value: principal }
      : { ok: false, error: appError('identity.unknown', { email: 'your Teams account' }) };
  }

  async #sendCard(context: TurnContext, card: Card): Promise<void> {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  }

  #cardResponse(card: Card): AdaptiveCardInvokeResponse {
    return { statusCode: 200, type: CARD, value: card };
  }
}
