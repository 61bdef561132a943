/**
 * The Web API methods the bot uses, answering as Slack does: HTTP 200 with `{ ok: false,
 * error }` for platform errors, validation of the arguments Slack validates.
 */
import type { SlackState, SlackUser } from './state.ts';

export type Args = Record<string, unknown>;
export type MethodResult = Record<string, unknown> & { ok: boolean };
type Method = (
  args: Args,
  ctx: { state: SlackState; botUserId: string; baseUrl: string; teamId: string },
) => MethodResult;

const fail = (error: string, extra: Record<string, unknown> = {}): MethodResult => ({
  ok: false,
  error,
  ...extra,
});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function blocksProblem(blocks: unknown): string | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  const tooLong = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(tooLong);
    if (typeof v !== 'object' || v === null) return false;
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && typeof o.text === 'string' && o.text.length > 3000)
      return true;
    return Object.values(o).some(tooLong);
  };
  return blocks.every(
    (b) =>
      typeof b === 'object' && b !== null && typeof (b as { type?: unknown }).type === 'string',
  ) && !tooLong(blocks)
    ? null
    : 'invalid_blocks';
}

function messageProblem(args: Args): MethodResult | null {
  const text = str(args.text);
  if (!text && args.blocks === undefined) return fail('no_text');
  if (text && text.length > 40_000) return fail('msg_too_long');
  const blocks = blocksProblem(args.blocks);
  return blocks ? fail(blocks) : null;
}

const userJson = (u: SlackUser, teamId: string) => ({
  id: u.id,
  team_id: u.teamId ?? teamId,
  is_email_confirmed: u.emailConfirmed ?? true,
  name: u.name,
  deleted: u.deleted ?? false,
  real_name: u.realName ?? u.name,
  tz: u.tz ?? 'UTC',
  is_bot: u.isBot ?? false,
  profile: { email: u.email, display_name: u.name, real_name: u.realName ?? u.name },
});

export const METHODS: Record<string, Method> = {
  'auth.test': (_a, { botUserId, teamId }) => ({
    ok: true,
    url: 'https://contoso.slack.com/',
    team: 'Contoso',
    user: 'elevate',
    team_id: teamId,
    user_id: botUserId,
    bot_id: 'B0ELEVATE',
  }),

  'chat.postMessage': (args, { state, botUserId }) => {
    const channel = str(args.channel);
    if (!channel)
      return fail('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: channel'] },
      });
    const resolved = state.resolveChannel(channel);
    if (resolved === 'channel_not_found' || resolved === 'not_in_channel') return fail(resolved);
    const problem = messageProblem(args);
    if (problem) return problem;
    const ts = state.nextTs();
    const text = str(args.text) ?? '';
    const blocks = (args.blocks as unknown[]) ?? [];
    const message = {
      channel: resolved,
      ts,
      text,
      blocks,
      user: botUserId,
      edits: 0,
      versions: [{ text, blocks }],
      ...(str(args.thread_ts) ? { threadTs: str(args.thread_ts) } : {}),
    };
    state.messages.push(message);
    return {
      ok: true,
      channel: resolved,
      ts,
      message: { type: 'message', text: message.text, user: botUserId, ts, bot_id: 'B0ELEVATE' },
    };
  },

  'chat.update': (args, { state, botUserId }) => {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel || !ts) return fail('invalid_arguments');
    const message = state.messages.find(
      (m) => m.channel === channel && m.ts === ts && !m.ephemeralTo,
    );
    if (!message) return fail('message_not_found');
    if (message.user !== botUserId) return fail('cant_update_message');
    const problem = messageProblem(args);
    if (problem) return problem;
    message.text = str(args.text) ?? '';
    message.blocks = (args.blocks as unknown[]) ?? [];
    message.edits += 1;
    message.versions.push({ text: message.text, blocks: message.blocks });
    return { ok: true, channel, ts, text: message.text };
  },

  'chat.postEphemeral': (args, { state, botUserId }) => {
    const channel = str(args.channel);
    const user = str(args.user);
    if (!channel || !user) return fail('invalid_arguments');
    const resolved = state.resolveChannel(channel);
    if (resolved === 'channel_not_found' || resolved === 'not_in_channel') return fail(resolved);
    if (!state.users.has(user)) return fail('user_not_found');
    const problem = messageProblem(args);
    if (problem) return problem;
    const ts = state.nextTs();
    const text = str(args.text) ?? '';
    const blocks = (args.blocks as unknown[]) ?? [];
    state.messages.push({
      channel: resolved,
      ts,
      text,
      blocks,
      user: botUserId,
      edits: 0,
      versions: [{ text, blocks }],
      ephemeralTo: user,
    });
    return { ok: true, message_ts: ts };
  },

  'users.info': (args, { state, teamId }) => {
    const user = state.users.get(str(args.user) ?? '');
    return user ? { ok: true, user: userJson(user, teamId) } : fail('user_not_found');
  },

  'users.lookupByEmail': (args, { state, teamId }) => {
    const email = str(args.email)?.toLowerCase();
    const user = [...state.users.values()].find(
      (u) => u.email?.toLowerCase() === email && !u.deleted,
    );
    return user ? { ok: true, user: userJson(user, teamId) } : fail('users_not_found');
  },

  /**
   * Cursor-paginated (api.slack.com/methods/users.list): `limit` up to 1000, the cursor from
   * `response_metadata.next_cursor`, empty on the last page; a cursor it did not issue is
   * `invalid_cursor`. Bots and deactivated accounts are listed too, as Slack lists them.
   */
  'users.list': (args, { state, teamId }) => {
    const all = [...state.users.values()];
    const limit = args.limit === undefined ? 0 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 0) return fail('invalid_arguments');
    let from = 0;
    const cursor = str(args.cursor);
    if (cursor) {
      const decoded = /^user:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!decoded) return fail('invalid_cursor');
      from = Number(decoded[1]);
      if (from > all.length) return fail('invalid_cursor');
    }
    const size = limit === 0 ? all.length : Math.min(limit, 1000);
    const page = all.slice(from, from + size);
    const next =
      from + size < all.length ? Buffer.from(`user:${from + size}`).toString('base64') : '';
    return {
      ok: true,
      members: page.map((u) => userJson(u, teamId)),
      cache_ts: Math.floor(Date.now() / 1000),
      response_metadata: { next_cursor: next },
    };
  },

  'conversations.open': (args, { state }) => {
    const users = str(args.users)?.split(',') ?? [];
    const [first] = users;
    if (!first || !state.users.has(first)) return fail('user_not_found');
    return { ok: true, channel: { id: state.dmOf(first) } };
  },

  'views.open': (args, { state }) => {
    const trigger = str(args.trigger_id);
    const issued = trigger ? state.triggers.get(trigger) : undefined;
    if (!trigger || issued === undefined) return fail('invalid_trigger_id');
    if (Date.now() - issued > 3_000) return fail('expired_trigger_id');
    state.triggers.delete(trigger);
    const view = typeof args.view === 'string' ? (JSON.parse(args.view) as unknown) : args.view;
    const viewId = state.nextId('V');
    state.views.push({ viewId, triggerId: trigger, view, updates: 0 });
    return { ok: true, view: { id: viewId, ...(view as object) } };
  },

  'files.getUploadURLExternal': (args, { state, baseUrl }) => {
    const filename = str(args.filename);
    if (!filename || !Number(args.length)) return fail('invalid_arguments');
    const id = state.nextId('F');
    state.files.push({ id, filename, content: '', completed: false });
    return { ok: true, upload_url: `${baseUrl.replace(/api\/$/, '')}upload/${id}`, file_id: id };
  },

  'files.completeUploadExternal': (args, { state }) => {
    const list = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as {
      id: string;
      title?: string;
    }[];
    const channel = str(args.channel_id);
    const done = [];
    for (const f of list ?? []) {
      const file = state.files.find((x) => x.id === f.id);
      if (!file) return fail('file_not_found');
      file.completed = true;
      if (f.title) file.title = f.title;
      if (channel) file.channel = channel;
      done.push({ id: file.id, title: file.title ?? file.filename });
    }
    return { ok: true, files: done };
  },
};
