/**
 * Inbound Teams activities as the channel posts them to a bot's /api/messages
 * (Bot Framework activity schema), and a plain HTTP poster.
 */
export interface TeamsUser {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface TeamsConversation {
  id: string;
  conversationType: 'personal' | 'groupChat' | 'channel';
  tenantId: string;
}

interface Common {
  from: TeamsUser;
  conversation: TeamsConversation;
  serviceUrl: string;
  /** The bot as recipient; Teams sends `28:<app id>`. */
  recipient?: { id: string; name: string };
  /** Defaults to `msteams`. */
  channelId?: string;
}

export interface MessageOptions extends Common {
  text: string;
  /** Prefixes `<at>name</at> ` and adds the mention entity, as Teams does in channels. */
  mentionBot?: { id: string; name: string };
}

export interface InvokeOptions extends Common {
  verb: string;
  data?: Record<string, unknown>;
  /** The card message the button was on. */
  replyToId?: string;
  /** `manual` for a click, `automatic` for a card refresh. */
  trigger?: 'manual' | 'automatic';
  actionId?: string;
}

export type InboundActivity = Record<string, unknown> & { type: string; id: string };

const DEFAULT_BOT = { id: '28:elevate-bot', name: 'elevate' };

let lastId = 0;

/** Teams message ids are epoch milliseconds; kept strictly increasing. */
function nextId(): string {
  lastId = Math.max(Date.now(), lastId + 1);
  return String(lastId);
}

function base(o: Common): InboundActivity {
  const channelId = o.conversation.id.split(';')[0] ?? o.conversation.id;
  return {
    type: 'message',
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: o.serviceUrl,
    channelId: o.channelId ?? 'msteams',
    from: { ...o.from },
    conversation: { ...o.conversation, isGroup: o.conversation.conversationType !== 'personal' },
    recipient: o.recipient ?? DEFAULT_BOT,
    locale: 'en-US',
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' }],
    channelData: {
      tenant: { id: o.conversation.tenantId },
      ...(o.conversation.conversationType === 'channel' ? { channel: { id: channelId } } : {}),
    },
  };
}

export function messageActivity(o: MessageOptions): InboundActivity {
  const activity = base(o);
  activity.textFormat = 'plain';
  if (!o.mentionBot) return { ...activity, text: o.text };
  const mention = `<at>${o.mentionBot.name}</at>`;
  const entities = Array.isArray(activity.entities) ? activity.entities : [];
  return {
    ...activity,
    recipient: o.recipient ?? o.mentionBot,
    text: `${mention} ${o.text}`,
    entities: [...entities, { type: 'mention', text: mention, mentioned: o.mentionBot }],
  };
}

/** Universal Actions `Action.Execute` click (`adaptiveCard/action` invoke). */
export function invokeActivity(o: InvokeOptions): InboundActivity {
  const action: Record<string, unknown> = {
    type: 'Action.Execute',
    verb: o.verb,
    data: o.data ?? {},
  };
  if (o.actionId !== undefined) action.id = o.actionId;
  return {
    ...base(o),
    type: 'invoke',
    name: 'adaptiveCard/action',
    ...(o.replyToId === undefined ? {} : { replyToId: o.replyToId }),
    value: { action, trigger: o.trigger ?? 'manual' },
  };
}

/** POSTs `activity` as JSON, with `Authorization: Bearer <token>` when a token is given. */
export async function postActivity(
  botUrl: string,
  activity: object,
  token?: string,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(botUrl, { method: 'POST', headers, body: JSON.stringify(activity) });
  const text = await res.text();
  let body: unknown = text === '' ? undefined : text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
    body = JSON.parse(text) as unknown;
  }
  return { status: res.status, body };
}
