/**
 * Inbound JWT validation of the real botbuilder (MicrosoftAppId set) against the channel
 * issuer stand-in. Invokes are used because their answer needs no outbound Connector call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standInAuthConfig } from './auth-config.ts';
import {
  type ChannelIssuer,
  type ChannelTokenClaims,
  invokeActivity,
  postActivity,
  startChannelIssuer,
} from './index.ts';
import { startTinyBot, type TinyBot } from './tiny-bot.ts';

const APP_ID = '00000000-0000-0000-0000-0000000b0701';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
let issuer: ChannelIssuer;
let bot: TinyBot;
let strictBot: TinyBot;

const click = (channelId = 'msteams', serviceUrl = SERVICE_URL) =>
  invokeActivity({
    verb: 'approve',
    data: { requestId: 'req-1' },
    from: { id: '29:bob', name: 'Bob', aadObjectId: 'oid-bob' },
    conversation: { id: 'a:1bob', conversationType: 'personal', tenantId: 'T1' },
    serviceUrl,
    channelId,
  });

const claims = (overrides: Partial<ChannelTokenClaims> = {}): ChannelTokenClaims => ({
  appId: APP_ID,
  serviceUrl: SERVICE_URL,
  ...overrides,
});

describe('botbuilder inbound auth against the channel issuer stand-in', () => {
  beforeAll(async () => {
    issuer = await startChannelIssuer();
    const config = standInAuthConfig({
      appId: APP_ID,
      appPassword: 'pw',
      openIdMetadataUrl: issuer.openIdMetadataUrl,
    });
    bot = await startTinyBot(config);
    strictBot = await startTinyBot(config, { strict: true });
  });
  afterAll(async () => {
    await bot.close();
    await strictBot.close();
    await issuer.close();
  });

  it('accepts a token from sign() and runs the turn', async () => {
    const res = await postActivity(bot.url, click(), await issuer.sign(claims()));
    expect(res).toMatchObject({
      status: 200,
      body: { statusCode: 200, value: { type: 'AdaptiveCard' } },
    });
    expect(issuer.requests.map((p) => p.split('/').at(-1))).toEqual([
      'openidconfiguration',
      'keys',
    ]);
  });

  it('answers 401 without a token', async () => {
    expect((await postActivity(bot.url, click())).status).toBe(401);
  });

  it('answers 401 for an expired token (beyond the 300 s clock tolerance)', async () => {
    const token = await issuer.sign(claims({ expiresInSeconds: -301 }));
    expect((await postActivity(bot.url, click(), token)).status).toBe(401);
  });

  it('accepts a token expired less than the 300 s clock tolerance ago', async () => {
    const token = await issuer.sign(claims({ expiresInSeconds: -60 }));
    expect((await postActivity(bot.url, click(), token)).status).toBe(200);
  });

  it('answers 401 for another app id, another issuer, another serviceUrl', async () => {
    const tokens = await Promise.all([
      issuer.sign(claims({ appId: 'another-app' })),
      issuer.sign(claims({ issuer: 'https://sts.windows.net/evil/' })),
      issuer.sign(claims({ serviceUrl: 'https://evil.example/' })),
    ]);
    for (const token of tokens)
      expect((await postActivity(bot.url, click(), token)).status).toBe(401);
  });

  it('answers 401 when the key is not endorsed for the activity channel', async () => {
    const res = await postActivity(bot.url, click('webchat'), await issuer.sign(claims()));
    expect(res.status).toBe(401);
  });

  it('rejects a forged token (key not in the JWKS) without running the turn, but with 500', async () => {
    const before = bot.invokes.length;
    const res = await postActivity(bot.url, click(), await issuer.signWithForeignKey(claims()));
    // jsonwebtoken's "invalid signature" is not an AuthenticationError, so CloudAdapter says 500.
    expect(res).toEqual({ status: 500, body: 'invalid signature' });
    expect(bot.invokes.length).toBe(before);
  });

  it('StrictBotFrameworkAuthentication answers the forged token with 401', async () => {
    const res = await postActivity(
      strictBot.url,
      click(),
      await issuer.signWithForeignKey(claims()),
    );
    expect(res).toEqual({ status: 401, body: 'Unauthorized. invalid signature' });
    expect(strictBot.invokes).toEqual([]);
    const genuine = await postActivity(strictBot.url, click(), await issuer.sign(claims()));
    expect(genuine.status).toBe(200);
  });

  it('BotOpenIdMetadata alone is not enough: unset parameters stay undefined', async () => {
    const halfConfigured = await startTinyBot({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'pw',
      BotOpenIdMetadata: issuer.openIdMetadataUrl,
    });
    try {
      const res = await postActivity(halfConfigured.url, click(), await issuer.sign(claims()));
      expect(res.status).toBe(401); // allowed issuers = [undefined]
    } finally {
      await halfConfigured.close();
    }
  });
});
