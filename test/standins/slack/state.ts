/** What the Slack stand-in remembers: users, channels, messages, modals, files, calls. */
export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  user: string;
  threadTs?: string;
  edits: number;
  /** Every version of the message in order: as posted, then after each chat.update. */
  versions: { text: string; blocks: unknown[] }[];
  ephemeralTo?: string;
}

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly token: string | null;
  readonly status: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly at: number;
}

export interface SlackUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly email?: string;
  /** Slack's `is_email_confirmed`; confirmed unless a test says otherwise. */
  readonly emailConfirmed?: boolean;
  /** The user's home team; the stand-in's own team unless set (a Slack Connect guest). */
  readonly teamId?: string;
  readonly tz?: string;
  readonly deleted?: boolean;
  readonly isBot?: boolean;
}

export interface SlackChannel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate?: boolean;
  readonly botIsMember?: boolean;
}

export interface UploadedFile {
  readonly id: string;
  filename: string;
  title?: string;
  channel?: string;
  content: string;
  completed: boolean;
}

export class SlackState {
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, SlackChannel>();
  readonly messages: StoredMessage[] = [];
  readonly calls: RecordedCall[] = [];
  readonly responses: { url: string; body: unknown }[] = [];
  readonly views: { viewId: string; triggerId: string; view: unknown; updates: number }[] = [];
  readonly files: UploadedFile[] = [];
  readonly triggers = new Map<string, number>();
  readonly responseUrls = new Map<string, number>();
  readonly failures = new Map<string, { error: string; extra: Record<string, unknown> }[]>();
  readonly limits = new Map<string, { count: number; retryAfter: number }>();
  #seq = 0;

  nextTs(): string {
    this.#seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#seq).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${String(this.#seq).padStart(8, '0')}`;
  }

  /** A DM channel id per user, stable. */
  dmOf(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  /** Channel ids the bot may post to: known channels, DMs, and user ids (Slack opens the DM). */
  resolveChannel(channel: string): string | 'channel_not_found' | 'not_in_channel' {
    if (this.users.has(channel)) return this.dmOf(channel);
    if (channel.startsWith('D') && [...this.users.keys()].some((u) => this.dmOf(u) === channel))
      return channel;
    const known = this.channels.get(channel);
    if (!known) return 'channel_not_found';
    if (known.isPrivate && !known.botIsMember) return 'not_in_channel';
    return channel;
  }
}
