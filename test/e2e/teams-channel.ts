/**
 * Teams as the bot meets it in production: an app id, activities carrying a channel token from
 * the Bot Framework issuer stand-in, and a Bot Connector stand-in that issues the bot its own
 * token (over TLS, the test CA) and refuses calls without it.
 */
import {
  type BotConnectorStandIn,
  type ChannelIssuer,
  postActivity,
  startBotConnectorStandIn,
  startChannelIssuer,
} from '../standins/botframework/index.ts';

export const TEAMS_APP = {
  id: '00000000-0000-4000-8000-00000000e1e7',
  password: 'stand-in-bot-password',
} as const;

export interface TeamsChannel {
  readonly connector: BotConnectorStandIn;
  readonly issuer: ChannelIssuer;
  /** The bot's Teams variables for loadConfig. */
  readonly env: Record<string, string>;
  /** POSTs an activity with a valid channel token, as Teams does. */
  post(url: string, activity: object): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startTeamsChannel(): Promise<TeamsChannel> {
  const issuer = await startChannelIssuer();
  const connector = await startBotConnectorStandIn({
    appId: TEAMS_APP.id,
    appPassword: TEAMS_APP.password,
  });
  if (!connector.loginUrl) throw new Error('the Connector stand-in has no login endpoint');
  let token: Promise<string> | null = null;
  return {
    connector,
    issuer,
    env: {
      MICROSOFT_APP_ID: TEAMS_APP.id,
      MICROSOFT_APP_PASSWORD: TEAMS_APP.password,
      MICROSOFT_APP_TYPE: 'MultiTenant',
      BOT_OPENID_METADATA: issuer.openIdMetadataUrl,
      BOT_LOGIN_URL: connector.loginUrl,
      TEAMS_SERVICE_URL: connector.serviceUrl,
    },
    async post(url, activity) {
      token ??= issuer.sign({ appId: TEAMS_APP.id, serviceUrl: connector.serviceUrl });
      return postActivity(url, activity, await token);
    },
    async close() {
      await connector.close();
      await issuer.close();
    },
  };
}
