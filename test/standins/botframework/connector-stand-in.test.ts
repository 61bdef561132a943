/** The Connector stand-in over plain HTTP: routes, error bodies, throttling. */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type BotConnectorStandIn, MAX_ACTIVITY_BYTES, startBotConnectorStandIn } from './index.ts';

let connector: BotConnectorStandIn;

async function call(method: string, path: string, body?: unknown, auth?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const res = await fetch(new URL(path, connector.serviceUrl), {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

const conv = (id: string) => `v3/conversations/${encodeURIComponent(id)}`;

describe('Bot Connector stand-in', () => {
  beforeEach(async () => {
    connector ??= await startBotConnectorStandIn();
    connector.clear();
  });
  afterAll(() => connector.close());

  it('serves a serviceUrl with the trailing slash Teams uses', () => {
    expect(connector.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('sends, replies, updates and deletes activities, keeping their current state', async () => {
    const sent = await call('POST', `${conv('a:1abc')}/activities`, {
      type: 'message',
      text: 'hi',
    });
    expect(sent.status).toBe(201);
    const { id } = sent.body as { id: string };
    const reply = await call('POST', `${conv('a:1abc')}/activities/${id}`, {
      type: 'message',
      text: 're',
    });
    expect(reply.status).toBe(201);
    const updated = await call('PUT', `${conv('a:1abc')}/activities/${id}`, {
      type: 'message',
      text: 'hi!',
    });
    expect(updated).toMatchObject({ status: 200, body: { id } });

    const [first, second] = connector.activitiesIn('a:1abc');
    expect(first).toMatchObject({ id, updates: 1, deleted: false, activity: { text: 'hi!', id } });
    expect(first?.versions.map((v) => v.text)).toEqual(['hi', 'hi!']);
    expect(second).toMatchObject({ replyToId: id, activity: { text: 're' } });
    expect(connector.conversations).toMatchObject([{ id: 'a:1abc', isGroup: false }]);

    expect((await call('DELETE', `${conv('a:1abc')}/activities/${id}`)).status).toBe(200);
    expect(connector.activitiesIn('a:1abc')[0]?.deleted).toBe(true);
    expect(connector.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /v3/conversations/a:1abc/activities 201',
      `POST /v3/conversations/a:1abc/activities/${id} 201`,
      `PUT /v3/conversations/a:1abc/activities/${id} 200`,
      `DELETE /v3/conversations/a:1abc/activities/${id} 200`,
    ]);
  });

  it('answers unknown activities and bad bodies with an ErrorResponse', async () => {
    const missing = await call('PUT', `${conv('a:1abc')}/activities/42`, { type: 'message' });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ActivityNotFound' } } });
    const noType = await call('POST', `${conv('a:1abc')}/activities`, { text: 'x' });
    expect(noType).toMatchObject({ status: 400, body: { error: { code: 'BadArgument' } } });
    const big = await call('POST', `${conv('a:1abc')}/activities`, {
      type: 'message',
      text: 'x'.repeat(MAX_ACTIVITY_BYTES),
    });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'MessageSizeTooBig' } } });
  });

  it('creates one 1:1 conversation per user and threads in channels', async () => {
    const params = { bot: { id: '28:bot' }, members: [{ id: '29:alice' }], tenantId: 'T1' };
    const first = await call('POST', 'v3/conversations', params);
    const again = await call('POST', 'v3/conversations', params);
    expect(first.status).toBe(201);
    expect(again).toEqual(expect.objectContaining({ status: 200, body: first.body }));
    expect(connector.conversations[0]).toMatchObject({ members: ['29:alice'], tenantId: 'T1' });

    const channel = await call('POST', 'v3/conversations', {
      isGroup: true,
      channelData: { channel: { id: '19:sec@thread.tacv2' }, tenant: { id: 'T1' } },
      activity: { type: 'message', text: 'alert' },
    });
    const { id, activityId } = channel.body as { id: string; activityId: string };
    expect(id).toBe(`19:sec@thread.tacv2;messageid=${activityId}`);
    expect(connector.activitiesIn(id)[0]?.activity.text).toBe('alert');
    const groupChat = await call('POST', 'v3/conversations', { isGroup: true, members: [] });
    expect(groupChat.status).toBe(400);
  });

  it('returns Teams members by 29: id or Entra object id', async () => {
    connector.addMember('a:1abc', {
      id: '29:alice',
      name: 'Alice',
      aadObjectId: 'oid-alice',
      email: 'alice@contoso.com',
      userPrincipalName: 'alice@contoso.com',
    });
    const all = await call('GET', `${conv('a:1abc')}/members`);
    expect(all.body).toMatchObject([
      { id: '29:alice', aadObjectId: 'oid-alice', userRole: 'user' },
    ]);
    const byOid = await call('GET', `${conv('a:1abc')}/members/oid-alice`);
    expect(byOid.body).toMatchObject({ id: '29:alice', email: 'alice@contoso.com' });
    const unknown = await call('GET', `${conv('a:1abc')}/members/29:bob`);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'MemberNotFound' } } });
    expect((await call('GET', `${conv('a:9none')}/members`)).status).toBe(404);
  });

  it('refuses with 403 once the app is removed from a conversation', async () => {
    connector.uninstall('a:1abc');
    const sent = await call('POST', `${conv('a:1abc')}/activities`, { type: 'message' });
    expect(sent).toMatchObject({
      status: 403,
      body: { error: { code: 'BotNotInConversationRoster' } },
    });
  });

  it('throttles the next calls with 429 and Retry-After, then recovers', async () => {
    connector.throttle(2, 3);
    const path = `${conv('a:1abc')}/activities`;
    const first = await call('POST', path, { type: 'message' });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect((await call('POST', path, { type: 'message' })).status).toBe(429);
    expect((await call('POST', path, { type: 'message' })).status).toBe(201);
    expect(connector.activities).toHaveLength(1);
  });

  it('accepts any Authorization, or none, when no app id is configured', async () => {
    const path = `${conv('a:1abc')}/activities`;
    expect((await call('POST', path, { type: 'message' }, 'Bearer whatever')).status).toBe(201);
    expect(connector.calls[0]?.auth).toBe('Bearer whatever');
    expect(connector.loginUrl).toBeUndefined();
  });
});
