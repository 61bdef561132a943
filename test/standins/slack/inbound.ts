/** Requests as Slack sends them to the bot: signed v0, form-encoded. */
import { createHmac } from 'node:crypto';

export function signedHeaders(
  signingSecret: string,
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
}

export interface SlashCommand {
  readonly text: string;
  readonly userId: string;
  readonly channelId: string;
  readonly responseUrl: string;
  readonly triggerId: string;
  readonly teamId: string;
  readonly command?: string;
}

export function slashCommandBody(p: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: p.teamId,
    team_domain: 'contoso',
    channel_id: p.channelId,
    channel_name: 'ops',
    user_id: p.userId,
    user_name: p.userId.toLowerCase(),
    command: p.command ?? '/elevate',
    text: p.text,
    api_app_id: 'A0ELEVATE',
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: p.triggerId,
  }).toString();
}

export interface BlockAction {
  readonly userId: string;
  readonly teamId: string;
  readonly actionId: string;
  readonly value: string;
  readonly channelId: string;
  readonly messageTs: string;
  readonly responseUrl: string;
  readonly triggerId: string;
}

export function blockActionBody(p: BlockAction): string {
  const payload = {
    type: 'block_actions',
    user: {
      id: p.userId,
      username: p.userId.toLowerCase(),
      name: p.userId.toLowerCase(),
      team_id: p.teamId,
    },
    api_app_id: 'A0ELEVATE',
    token: 'deprecated-verification-token',
    trigger_id: p.triggerId,
    team: { id: p.teamId, domain: 'contoso' },
    enterprise: null,
    is_enterprise_install: false,
    container: {
      type: 'message',
      message_ts: p.messageTs,
      channel_id: p.channelId,
      is_ephemeral: false,
    },
    channel: { id: p.channelId, name: 'pim-approvals' },
    message: { type: 'message', ts: p.messageTs, text: '', user: 'UBOT', blocks: [] },
    state: { values: {} },
    response_url: p.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: p.actionId,
        block_id: 'decision',
        text: { type: 'plain_text', text: p.actionId },
        value: p.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ViewSubmission {
  readonly userId: string;
  readonly teamId: string;
  readonly callbackId: string;
  readonly privateMetadata?: string;
  readonly values: Record<string, Record<string, unknown>>;
}

export function viewSubmissionBody(p: ViewSubmission): string {
  const payload = {
    type: 'view_submission',
    team: { id: p.teamId, domain: 'contoso' },
    user: {
      id: p.userId,
      username: p.userId.toLowerCase(),
      name: p.userId.toLowerCase(),
      team_id: p.teamId,
    },
    api_app_id: 'A0ELEVATE',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.1.abc`,
    view: {
      id: 'V0001',
      type: 'modal',
      callback_id: p.callbackId,
      private_metadata: p.privateMetadata ?? '',
      state: { values: p.values },
      hash: 'h',
      title: { type: 'plain_text', text: 't' },
      blocks: [],
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export async function postToBot(
  url: string,
  signingSecret: string,
  rawBody: string,
  opts: { readonly timestamp?: number; readonly signature?: string } = {},
): Promise<{ status: number; body: string; ms: number }> {
  const headers = signedHeaders(signingSecret, rawBody, opts.timestamp);
  if (opts.signature) headers['x-slack-signature'] = opts.signature;
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}
