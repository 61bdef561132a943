/**
 * The part of Teams that needs botbuilder (with botframework-connector, msal-node, axios and
 * @azure/identity under it): the CloudAdapter and the bot. It is a third of the process's
 * memory at start and most of Teams' share of the start's CPU, so `index.ts` imports it on
 * the first activity in or the first message out, not at start.
 */
import { CloudAdapter } from 'botbuilder';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { warmTemplates } from '../../cards/teams/index.ts';
import { botAuthentication } from './auth.ts';
import { TeamsBot, type TeamsBotDeps } from './bot.ts';
import type { TeamsSettings } from './settings.ts';

export interface TeamsSdk {
  readonly adapter: CloudAdapter;
  readonly bot: TeamsBot;
}

export function assembleTeamsSdk(
  config: TeamsSettings,
  log: Logger,
  botDeps: TeamsBotDeps,
): TeamsSdk {
  const adapter = new CloudAdapter(botAuthentication(config));
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error.message, activity: context.activity.type }, 'teams turn failed');
  };
  // The card templating engine too: whatever loads the SDK is about to draw a card.
  warmTemplates();
  return { adapter, bot: new TeamsBot(botDeps) };
}
