/**
 * The Teams bot: messages carry commands (with or without the slash, in 1:1, group chat or a
 * channel, the @mention stripped), Action.Execute invokes carry card actions. Who acted is the
 * activity's `from.aadObjectId`, authenticated by the Bot Framework token; never card data.
 * Clients without Universal Actions send the card's `Action.Submit` fallback as a message
 * with `value` ({ verb, requestId, inputs }): the same dispatcher handles it, and the answer
 * replaces the clicked card (its `replyToId`). Failures reach the person (guard.ts).
 */
import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  TurnContext as Turn,
  type TurnContext,
} from 'botbuilder';
import type { Principal } from '../../bot/core/domain/principal.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { Result } from '../../bot/core/result.ts';
import { handleCommand } from '../../bot/core/usecases/chat-command.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { type Card, exportLinkCard } from '../../cards/teams/index.ts';
import {
  actionCard,
  type CardAction,
  failedActionCard,
  performCardAction,
  runCardAction,
} from '../chat/adaptive/card-actions.ts';
import type { AdaptiveCards } from '../chat/adaptive/cards.ts';
import { renderCardReply } from '../chat/adaptive/replies.ts';
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import { type ExportLinks, LINK_MINUTES } from '../chat/export-links.ts';
import { guardedTurn, teamsFailure } from './guard.ts';

export interface TeamsBotDeps {
  readonly core: CoreDeps;
  readonly conversations: ConversationRefs;
  readonly cards: AdaptiveCards;
  readonly log: Logger;
  /** Signed download links for `export` (needs PUBLIC_URL); without, the reply says so. */
  readonly exportLinks?: ExportLinks;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

export class TeamsBot extends ActivityHandler {
  readonly #d: TeamsBotDeps;

  constructor(deps: TeamsBotDeps) {
    super();
    this.#d = deps;
    this.onMessage(async (context, next) => {
      const submitted = submittedAction(context.activity.value);
      await guardedTurn(
        this.#d.log,
        context,
        submitted ? `submit:${submitted.verb}` : 'message',
        () => (submitted ? this.#submitted(context, submitted) : this.#message(context)),
        (error) => this.#sendCard(context, this.#d.cards.error(error)),
      );
      await next();
    });
  }

  /** An Action.Submit click: the Execute verb's dispatcher, answered in place of the card. */
  async #submitted(context: TurnContext, action: CardAction): Promise<void> {
    const who = await this.#principal(context.activity.from.aadObjectId);
    if (!who.ok) return void (await this.#sendCard(context, this.#d.cards.error(who.error)));
    const outcome = await performCardAction(
      this.#d.core,
      this.#d.cards,
      who.value,
      'teams',
      action,
    );
    // A refusal is the clicker's to read, not everyone's on a shared card: it goes as a message.
    if (outcome.ok === false) {
      return void (await this.#sendCard(context, this.#d.cards.error(outcome.error)));
    }
    const card = await actionCard(this.#d.cards, outcome);
    const replyToId = context.activity.replyToId;
    if (!replyToId) return void (await this.#sendCard(context, card));
    await context.updateActivity({
      type: 'message',
      id: replyToId,
      attachments: [CardFactory.adaptiveCard(card)],
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
    const card =
      reply.kind === 'export' && this.#d.exportLinks
        ? exportLinkCard(await this.#d.exportLinks.create(who.value.id, reply.since), LINK_MINUTES)
        : await renderCardReply(reply, this.#d.cards);
    await this.#sendCard(context, card);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const action: CardAction = {
      verb: String(invoke.action.verb),
      data: (invoke.action.data ?? {}) as Record<string, unknown>,
    };
    let clicker: Principal | null = null;
    try {
      const who = await this.#principal(context.activity.from.aadObjectId);
      if (!who.ok) return this.#cardResponse(this.#d.cards.error(who.error));
      clicker = who.value;
      return this.#cardResponse(
        await runCardAction(this.#d.core, this.#d.cards, who.value, 'teams', action),
      );
    } catch (error) {
      const failure = teamsFailure(this.#d.log, context, `invoke:${action.verb}`, error);
      return this.#cardResponse(
        await failedActionCard(this.#d.core, this.#d.cards, clicker, action, failure.error),
      );
    }
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

/** The Action.Submit fallback's data: `verb` names the action, the rest is its data. */
function submittedAction(value: unknown): CardAction | null {
  if (typeof value !== 'object' || value === null) return null;
  const { verb, ...data } = value as Record<string, unknown>;
  return typeof verb === 'string' && verb !== '' ? { verb, data } : null;
}
