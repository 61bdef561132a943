/** Shapes the Bot Connector stand-in stores and exposes to tests. */

/** An activity as the bot sent it over the wire (JSON), with the fields tests look at typed. */
export interface ActivityJson {
  type?: string;
  id?: string;
  text?: string;
  textFormat?: string;
  summary?: string;
  replyToId?: string;
  conversation?: { id?: string; tenantId?: string; [key: string]: unknown };
  from?: { id?: string; name?: string; [key: string]: unknown };
  recipient?: { id?: string; name?: string; aadObjectId?: string; [key: string]: unknown };
  attachments?: { contentType?: string; content?: unknown; [key: string]: unknown }[];
  entities?: Record<string, unknown>[];
  channelData?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Current state of one activity the bot sent; updates replace `activity` and bump `updates`. */
export interface StoredActivity {
  readonly id: string;
  readonly conversationId: string;
  /** Set when the bot replied (POST …/activities/{replyToId}). */
  readonly replyToId: string | undefined;
  readonly activity: ActivityJson;
  readonly updates: number;
  /** Every version in order: as sent, then after each update (PUT). */
  readonly versions: readonly ActivityJson[];
  readonly deleted: boolean;
  readonly sentAt: number;
}

/** A Teams user as `GET …/members/{id}` returns it (TeamsChannelAccount). */
export interface MemberInput {
  id: string;
  name: string;
  aadObjectId: string;
  email?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
}

export interface TeamsMember extends MemberInput {
  tenantId?: string;
  userRole: 'user';
}

export interface StoredConversation {
  readonly id: string;
  readonly members: string[];
  readonly isGroup: boolean;
  readonly tenantId?: string;
  readonly activities: StoredActivity[];
}

export interface RecordedCall {
  readonly method: string;
  /** Decoded path, e.g. `/v3/conversations/a:1xyz/activities`. */
  readonly path: string;
  readonly body: unknown;
  /** Raw Authorization header, `null` when absent. */
  readonly auth: string | null;
  readonly status: number;
  readonly at: number;
}

export interface TokenRequest {
  readonly clientId: string | undefined;
  readonly scope: string | undefined;
  readonly grantType: string | undefined;
  readonly status: number;
}

/** What a route hands back to the HTTP layer. */
export interface RouteResult {
  status: number;
  body?: unknown;
}
