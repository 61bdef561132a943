/**
 * A bot with a Microsoft App ID end to end: channel token in, Connector token out. The
 * Connector stand-in serves the token endpoint over TLS (test CA) and refuses calls without
 * a bearer token it issued.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { standInAuthConfig } from './auth-config.ts';
import { identityCredentialsFactory } from './identity-credentials.ts';
import {
  type BotConnectorStandIn,
  type ChannelIssuer,
  CONNECTOR_SCOPE,
  messageActivity,
  postActivity,
  startBotConnectorStandIn,
  startChannelIssuer,
} from './index.ts';
import { startTinyBot, type TinyBot } from './tiny-bot.ts';

const APP_ID = '00000000-0000-0000-0000-0000000b0702';
const APP_PASSWORD = 'stand-in-secret';
let issuer: ChannelIssuer;
let connector: BotConnectorStandIn;
let bot: TinyBot;

const personal = { id: 'a:1carol', conversationType: 'personal', tenantId: 'T1' } as const;

async function say(text: string, target: TinyBot = bot) {
  const activity = messageActivity({
    text,
    from: { id: '29:carol', name: 'Carol', aadObjectId: 'oid-carol' },
    conversation: personal,
    serviceUrl: connector.serviceUrl,
  });
  const token = await issuer.sign({ appId: APP_ID, serviceUrl: connector.serviceUrl });
  return postActivity(target.url, activity, token);
}

describe('botbuilder with an app id: outbound Connector calls carry the stand-in token', () => {
  beforeAll(async () => {
    issuer = await startChannelIssuer();
    connector = await startBotConnectorStandIn({ appId: APP_ID, appPassword: APP_PASSWORD });
    const loginUrl = connector.loginUrl;
    if (!loginUrl) throw new Error('the stand-in has no login endpoint');
    const config = standInAuthConfig({
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      openIdMetadataUrl: issuer.openIdMetadataUrl,
      loginUrl,
    });
    bot = await startTinyBot(config, {
      credentialsFactory: identityCredentialsFactory({
        appId: APP_ID,
        appPassword: APP_PASSWORD,
        loginUrl,
      }),
    });
  });
  beforeEach(() => connector.clear());
  afterAll(async () => {
    await bot.close();
    await connector.close();
    await issuer.close();
  });

  it('gets one client-credentials token and sends it on every call', async () => {
    expect((await say('one')).status).toBe(200);
    expect((await say('two')).status).toBe(200);
    expect(connector.tokenRequests).toEqual([
      { clientId: APP_ID, scope: CONNECTOR_SCOPE, grantType: 'client_credentials', status: 200 },
    ]);
    const [token] = connector.issuedTokens;
    expect(connector.calls.map((c) => [c.auth, c.status])).toEqual([
      [`Bearer ${token}`, 201],
      [`Bearer ${token}`, 201],
    ]);
    expect(connector.activitiesIn(personal.id).map((a) => a.activity.text)).toEqual([
      'echo: one',
      'echo: two',
    ]);
  });

  it('sends proactively with the app id and the same token', async () => {
    await say('hi');
    const reference = bot.references.get(personal.id);
    if (!reference) throw new Error('no conversation reference stored');
    await bot.adapter.continueConversationAsync(APP_ID, reference, async (context) => {
      await context.sendActivity('grant ended');
    });
    expect(connector.calls.at(-1)).toMatchObject({
      status: 201,
      auth: `Bearer ${connector.issuedTokens[0]}`,
    });
  });

  it('refuses Connector calls without a token it issued (401 ErrorResponse)', async () => {
    const res = await fetch(
      new URL(`v3/conversations/${personal.id}/activities`, connector.serviceUrl),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer forged' },
        body: JSON.stringify({ type: 'message', text: 'x' }),
      },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' },
    });
  });

  it('a bot with the wrong secret gets no token, and its reply fails', async () => {
    const loginUrl = connector.loginUrl ?? '';
    const config = standInAuthConfig({
      appId: APP_ID,
      appPassword: 'wrong',
      openIdMetadataUrl: issuer.openIdMetadataUrl,
      loginUrl,
    });
    const wrong = await startTinyBot(config, {
      credentialsFactory: identityCredentialsFactory({
        appId: APP_ID,
        appPassword: 'wrong',
        loginUrl,
      }),
    });
    try {
      expect((await say('hi', wrong)).status).toBe(500);
      expect(connector.tokenRequests.at(-1)).toMatchObject({ clientId: APP_ID, status: 401 });
      expect(connector.calls).toEqual([]);
    } finally {
      await wrong.close();
    }
  });
});
