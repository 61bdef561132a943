import { isValidSlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackStandIn, signedHeaders, startSlackStandIn } from './index.ts';

let slack: SlackStandIn;
let client: WebClient;
beforeEach(async () => {
  slack = await startSlackStandIn();
  slack.addUser({
    id: 'UALICE',
    name: 'alice',
    email: 'alice@contoso.com',
    tz: 'Europe/Amsterdam',
  });
  slack.addChannel({ id: 'C0APPROVALS', name: 'approvals', botIsMember: true });
  slack.addChannel({ id: 'G0PRIVATE', name: 'private', isPrivate: true });
  client = new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
  });
});
afterEach(async () => {
  await slack.close();
});

describe('Slack Web API stand-in with the real WebClient', () => {
  it('posts, updates and looks people up', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0APPROVALS',
      text: 'hello',
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'hi' } }],
    });
    expect(posted).toMatchObject({ ok: true, channel: 'C0APPROVALS' });
    await client.chat.update({
      channel: 'C0APPROVALS',
      ts: posted.ts ?? '',
      text: 'changed',
      blocks: [],
    });
    expect(slack.messagesIn('C0APPROVALS')).toMatchObject([{ text: 'changed', edits: 1 }]);
    expect(slack.messagesIn('C0APPROVALS')[0]?.versions.map((v) => v.text)).toEqual([
      'hello',
      'changed',
    ]);
    expect((await client.users.info({ user: 'UALICE' })).user).toMatchObject({
      tz: 'Europe/Amsterdam',
      profile: { email: 'alice@contoso.com' },
    });
    expect((await client.users.lookupByEmail({ email: 'ALICE@contoso.com' })).user?.id).toBe(
      'UALICE',
    );
    const dm = await client.chat.postMessage({ channel: 'UALICE', text: 'psst' });
    expect(dm.channel).toBe(slack.dmOf('UALICE'));
  });

  it('lists members a page at a time, refuses a foreign cursor, and holds users.list to Tier 2', async () => {
    for (const n of [1, 2, 3, 4]) slack.addUser({ id: `U0P${n}`, name: `person${n}` });
    const first = await client.users.list({ limit: 2 });
    expect(first.members?.map((m) => m.id)).toEqual(['UALICE', 'U0P1']);
    const cursor = first.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const rest = await client.users.list({ limit: 10, cursor });
    expect(rest.members?.map((m) => m.id)).toEqual(['U0P2', 'U0P3', 'U0P4']);
    expect(rest.response_metadata?.next_cursor).toBe('');
    await expect(client.users.list({ cursor: 'bm9wZQ==' })).rejects.toMatchObject({
      data: { error: 'invalid_cursor' },
    });
    const strict = new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    for (let i = 3; i < 20; i += 1) await strict.users.list({ limit: 1 });
    await expect(strict.users.list({ limit: 1 })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 60,
    });
  });

  it('answers errors the way Slack does', async () => {
    await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(
      client.chat.postMessage({ channel: 'G0PRIVATE', text: 'x' }),
    ).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    await expect(
      client.chat.postMessage({ channel: 'C0APPROVALS', text: '' }),
    ).rejects.toMatchObject({ data: { error: 'no_text' } });
    await expect(
      client.chat.update({ channel: 'C0APPROVALS', ts: '1.2', text: 'x' }),
    ).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    await expect(client.users.lookupByEmail({ email: 'nobody@contoso.com' })).rejects.toMatchObject(
      { data: { error: 'users_not_found' } },
    );
    await expect(
      client.views.open({
        trigger_id: 'made-up',
        view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(
      client.chat.postMessage({ channel: 'C0APPROVALS', text: 'x', blocks }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('rate-limits with 429 and Retry-After, which the client honours', async () => {
    slack.rateLimit('chat.postMessage', 1, 1);
    const started = Date.now();
    await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'after a wait' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual(
      [429, 200],
    );
  });

  it('throttles bursts to one channel to about one message a second', async () => {
    const fast = new WebClient(slack.botToken, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        fast.chat.postMessage({ channel: 'C0APPROVALS', text: `m${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
  });

  it('accepts a file upload v2 end to end', async () => {
    await client.filesUploadV2({
      channel_id: slack.dmOf('UALICE'),
      content: 'a,b\r\n1,2\r\n',
      filename: 'audit.csv',
      title: 'audit',
    });
    expect(slack.files).toMatchObject([
      { filename: 'audit.csv', title: 'audit', content: 'a,b\r\n1,2\r\n', completed: true },
    ]);
  });

  it('signs inbound requests the way Bolt verifies them', () => {
    const body = 'command=%2Felevate&text=help';
    const headers = signedHeaders(slack.signingSecret, body);
    expect(
      isValidSlackRequest({
        signingSecret: slack.signingSecret,
        body,
        headers: {
          'x-slack-signature': headers['x-slack-signature'] ?? '',
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
      }),
    ).toBe(true);
  });
});
