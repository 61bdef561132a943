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
import type { Principal } from '../../bot/core/domain/principal.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { Result } from '../../bot/core/result.ts';
import { handleCommand } from '../../bot/core/usecases/chat-command.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { type Card, exportLinkCard } from '../../cards/teams/index.ts';
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import { type ExportLinks, LINK_MINUTES } from '../chat/export-links.ts';
import { runCardAction } from './card-actions.ts';
import type { TeamsCards } from './render.ts';
import { renderTeamsReply } from './replies.ts';

export interface TeamsBotDeps {
  readonly core: CoreDeps;
  readonly conversations: ConversationRefs;
  readonly cards: TeamsCards;
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
    const card =
      reply.kind === 'export' && this.#d.exportLinks
        ? exportLinkCard(await this.#d.exportLinks.create(who.value.id, reply.since), LINK_MINUTES)
        : await renderTeamsReply(reply, this.#d.cards);
    await this.#sendCard(context, card);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const who = await this.#principal(context.activity.from.aadObjectId);
    if (!who.ok) return this.#cardResponse(this.#d.cards.error(who.error));
    const data = (invoke.action.data ?? {}) as Record<string, unknown>;
    const card = await runCardAction(this.#d.core, this.#d.cards, who.value, 'teams', {
      verb: String(invoke.action.verb),
      data,
    });
    return this.#cardResponse(card);
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
