/**
 * The real botbuilder CloudAdapter against the Connector stand-in, with no MicrosoftAppId:
 * inbound auth is skipped and outbound calls carry no Authorization header.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BotConnectorStandIn,
  invokeActivity,
  messageActivity,
  postActivity,
  startBotConnectorStandIn,
} from './index.ts';
import { startTinyBot, type TinyBot } from './tiny-bot.ts';

let connector: BotConnectorStandIn;
let bot: TinyBot;

const alice = { id: '29:alice', name: 'Alice', aadObjectId: 'oid-alice' };
const personal = { id: 'a:1alice', conversationType: 'personal', tenantId: 'T1' } as const;

const say = (text: string) =>
  postActivity(
    bot.url,
    messageActivity({
      text,
      from: alice,
      conversation: personal,
      serviceUrl: connector.serviceUrl,
    }),
  );

describe('botbuilder without app id, against the Connector stand-in', () => {
  beforeAll(async () => {
    connector = await startBotConnectorStandIn();
    bot = await startTinyBot();
  });
  beforeEach(() => connector.clear());
  afterAll(async () => {
    await bot.close();
    await connector.close();
  });

  it('posts the reply to the conversation, unauthenticated', async () => {
    expect(await say('hello')).toEqual({ status: 200, body: undefined });
    const [reply] = connector.activitiesIn(personal.id);
    expect(reply?.activity).toMatchObject({
      type: 'message',
      text: 'echo: hello',
      conversation: { id: personal.id },
      recipient: { id: alice.id },
    });
    // The SDK replies to the inbound message (POST …/activities/{replyToId}).
    expect(reply?.replyToId).toEqual(expect.any(String));
    expect(connector.calls.map((c) => c.auth)).toEqual([null]);
  });

  it('strips the bot mention Teams puts in channel messages', async () => {
    const channel = {
      id: '19:sec@thread.tacv2;messageid=1',
      conversationType: 'channel',
      tenantId: 'T1',
    } as const;
    const activity = messageActivity({
      text: 'status',
      from: alice,
      conversation: channel,
      serviceUrl: connector.serviceUrl,
      mentionBot: { id: '28:bot', name: 'elevate' },
    });
    expect(activity.text).toBe('<at>elevate</at> status');
    await postActivity(bot.url, activity);
    expect(connector.activitiesIn(channel.id)[0]?.activity.text).toBe('echo: status');
  });

  it('sends an Adaptive Card and updates an activity through PUT', async () => {
    await say('card');
    expect(connector.activities[0]?.activity.attachments?.[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard', version: '1.5' },
    });
    await say('edit');
    const edited = connector.activities[1];
    expect(edited).toMatchObject({ updates: 1, activity: { text: 'final', id: edited?.id } });
    expect(connector.calls.at(-1)).toMatchObject({ method: 'PUT', status: 200 });
  });

  it('rejects an update of an unknown activity with the 404 ErrorResponse as a RestError', async () => {
    await say('hi');
    const reference = bot.references.get(personal.id);
    if (!reference) throw new Error('no conversation reference stored');
    const update = bot.adapter.continueConversationAsync('', reference, async (context) => {
      await context.updateActivity({ id: '404404', type: 'message', text: 'x' });
    });
    await expect(update).rejects.toMatchObject({ statusCode: 404 });
  });

  it('looks the sender up with TeamsInfo.getMember: email and UPN survive the SDK', async () => {
    connector.addMember(personal.id, {
      ...alice,
      email: 'alice@contoso.com',
      userPrincipalName: 'alice@contoso.com',
    });
    await say('whoami');
    expect(connector.activitiesIn(personal.id).at(-1)?.activity.text).toBe(
      'alice@contoso.com alice@contoso.com oid-alice',
    );
  });

  it('sends proactively with a stored ConversationReference', async () => {
    await say('hi');
    const reference = bot.references.get(personal.id);
    if (!reference) throw new Error('no conversation reference stored');
    await bot.adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity('your grant ends in 10 minutes');
    });
    const last = connector.activitiesIn(personal.id).at(-1);
    expect(last?.activity.text).toBe('your grant ends in 10 minutes');
    // The continuation activity gets a random UUID id and sendActivity replies to it, so a
    // proactive message arrives on the reply route, POST …/activities/<uuid> (Teams accepts it).
    expect(last?.replyToId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an Action.Execute invoke with the card in the HTTP response, sending nothing', async () => {
    const click = invokeActivity({
      verb: 'approve',
      data: { requestId: 'req-42' },
      from: alice,
      conversation: personal,
      serviceUrl: connector.serviceUrl,
      replyToId: '1700000000000',
    });
    const res = await postActivity(bot.url, click);
    expect(res).toMatchObject({
      status: 200,
      body: {
        statusCode: 200,
        type: 'application/vnd.microsoft.card.adaptive',
        value: { body: [{ text: 'approve by oid-alice' }] },
      },
    });
    expect(bot.invokes.at(-1)).toMatchObject({
      action: { verb: 'approve', data: { requestId: 'req-42' } },
    });
    expect(connector.calls).toEqual([]);
  });

  it('429: botbuilder retries, honouring Retry-After, up to 3 times (@azure/core-rest-pipeline)', async () => {
    connector.throttle(2, 1);
    const started = Date.now();
    expect((await say('busy')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(connector.calls.map((c) => c.status)).toEqual([429, 429, 201]);
    expect(connector.calls[2]?.at).toBeGreaterThanOrEqual((connector.calls[0]?.at ?? 0) + 1900);
  });

  it('429: after 1 try + 3 retries the RestError reaches the bot, and the turn fails with 500', async () => {
    connector.throttle(10, 0);
    const res = await say('busy');
    expect(connector.calls.map((c) => c.status)).toEqual([429, 429, 429, 429]);
    expect(res.status).toBe(500);
    expect(connector.activities).toEqual([]);
  });
});
