/**
 * The audit export in Slack: an auditor's `/elevate export` arrives as a CSV file in their DM,
 * uploaded through Slack's external upload (length first, then the bytes, then the share),
 * streamed from a temporary file rather than held in memory. Anyone else is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToBot, slashCommandBody } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { startWorld, TENANT, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => world?.close());

async function command(who: (typeof TENANT)[keyof typeof TENANT], text: string) {
  const responseUrl = world.slack.responseUrl();
  const body = slashCommandBody({
    text,
    userId: who.slack,
    channelId: 'C0OPS',
    responseUrl,
    triggerId: world.slack.triggerId(),
    teamId: world.slack.teamId,
  });
  expect(
    (await postToBot(`${world.app.url}/slack/events`, world.slack.signingSecret, body)).status,
  ).toBe(200);
  return responseUrl;
}

describe('Slack audit export', () => {
  it('uploads the CSV to the auditor by external upload, streamed', async () => {
    const requested = await command(
      TENANT.alice,
      'Helpdesk Administrator 1h resetting a locked account, ="x"',
    );
    // The ack comes first; the request is stored by the time its reply is sent.
    await waitFor(
      () => world.slack.responses.find((r) => r.url === requested),
      10_000,
      'the request',
    );
    await command(TENANT.carol, 'export since 30d');
    const file = await waitFor(
      () => world.slack.files.find((f) => f.completed),
      15_000,
      'the file',
    );
    expect(file.channel).toBe(world.slack.dmOf(TENANT.carol.slack));
    expect(file.filename).toMatch(/^elevate-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.title).toBe('elevate audit trail');
    const lines = file.content.split('\r\n');
    expect(lines[0]).toBe('time,requester,role,action,approver,reason,ticket,outcome,request id');
    expect(file.content).toMatch(/Helpdesk Administrator/);
    const methods = world.slack.calls.map((c) => c.method);
    expect(methods).toContain('files.getUploadURLExternal');
    expect(methods).toContain('files.completeUploadExternal');
    const asked = world.slack.calls.find((c) => c.method === 'files.getUploadURLExternal');
    expect(Number(asked?.args.length)).toBe(Buffer.byteLength(file.content));
  });

  it('refuses the export to someone who is not an auditor', async () => {
    const url = await command(TENANT.dave, 'export');
    const reply = await waitFor(() => world.slack.responses.find((r) => r.url === url), 10_000);
    expect(JSON.stringify(reply.body)).toMatch(/auditor/i);
  });
});
