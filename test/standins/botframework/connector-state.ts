/**
 * In-memory Teams side of the Bot Connector: conversations, the activities the bot sent, and
 * the members Teams knows. Operations answer like the service does (status + JSON body).
 */
import { randomBytes } from 'node:crypto';
import type {
  ActivityJson,
  MemberInput,
  RouteResult,
  StoredActivity,
  StoredConversation,
  TeamsMember,
} from './connector-types.ts';
import { errorBody, isRecord, stringField } from './http-util.ts';

/** Teams rejects messages above roughly 28 KB (413); the stand-in enforces the same bound. */
export const MAX_ACTIVITY_BYTES = 28 * 1024;

interface Conversation extends StoredConversation {
  tenantId?: string;
  activities: ActivityRecord[];
  installed: boolean;
}

interface ActivityRecord extends StoredActivity {
  activity: ActivityJson;
  updates: number;
  deleted: boolean;
  versions: ActivityJson[];
}

const notFound = (what: string, id: string): RouteResult => ({
  status: 404,
  body: errorBody(`${what}NotFound`, `${what} ${id} was not found`),
});

function isActivity(body: unknown): body is ActivityJson {
  return isRecord(body) && typeof body.type === 'string';
}

const badArgument = (message: string): RouteResult => ({
  status: 400,
  body: errorBody('BadArgument', message),
});

export class ConnectorState {
  readonly conversations = new Map<string, Conversation>();
  readonly activities: ActivityRecord[] = [];
  private readonly directory = new Map<string, TeamsMember>();
  private nextActivityId = Date.now();

  addMember(conversationId: string, member: MemberInput): void {
    const conversation = this.conversation(conversationId);
    const stored: TeamsMember = { ...member, userRole: 'user' };
    if (conversation.tenantId !== undefined) stored.tenantId = conversation.tenantId;
    this.directory.set(member.id, stored);
    if (!conversation.members.includes(member.id)) conversation.members.push(member.id);
  }

  /** Makes the next calls into `conversationId` fail as when the app was uninstalled. */
  uninstall(conversationId: string): void {
    this.conversation(conversationId).installed = false;
  }

  clear(): void {
    this.conversations.clear();
    this.activities.length = 0;
    this.directory.clear();
  }

  createConversation(params: unknown): RouteResult {
    if (!isRecord(params)) return badArgument('ConversationParameters body required');
    const channelData = isRecord(params.channelData) ? params.channelData : {};
    const tenantId =
      stringField(params, 'tenantId') ?? stringField(channelData.tenant, 'id') ?? undefined;
    const members = Array.isArray(params.members) ? params.members : [];
    const channelId = stringField(channelData.channel, 'id');
    if (channelId !== undefined) {
      // Posting to a channel starts a new thread whose conversation id names the first message.
      if (!isActivity(params.activity))
        return badArgument('activity required to post to a channel');
      const activityId = this.newActivityId();
      const thread = this.conversation(`${channelId};messageid=${activityId}`, tenantId, true);
      this.store(thread, params.activity, undefined, activityId);
      return { status: 201, body: { id: thread.id, activityId } };
    }
    if (params.isGroup === true) return badArgument('Teams bots cannot create group chats');
    const memberId = stringField(members[0], 'id');
    if (members.length !== 1 || memberId === undefined) {
      return badArgument('a 1:1 conversation needs exactly one member');
    }
    // Teams answers with the same 1:1 conversation for the same user, bot and tenant.
    const existing = [...this.conversations.values()].find(
      (c) => !c.isGroup && c.members.length === 1 && c.members[0] === memberId,
    );
    const conversation =
      existing ?? this.conversation(`a:1${randomBytes(12).toString('base64url')}`, tenantId, false);
    if (!conversation.members.includes(memberId)) conversation.members.push(memberId);
    const body: Record<string, string> = { id: conversation.id };
    if (isActivity(params.activity)) body.activityId = this.store(conversation, params.activity).id;
    return { status: existing ? 200 : 201, body };
  }

  send(conversationId: string, body: unknown, replyToId?: string): RouteResult {
    if (!isActivity(body)) return badArgument('activity.type required');
    const conversation = this.conversation(conversationId);
    const refused = this.refuse(conversation, body);
    if (refused) return refused;
    return { status: 201, body: { id: this.store(conversation, body, replyToId).id } };
  }

  update(conversationId: string, activityId: string, body: unknown): RouteResult {
    const stored = this.find(conversationId, activityId);
    if (!stored) return notFound('Activity', activityId);
    if (!isActivity(body)) return badArgument('activity.type required');
    const refused = this.refuse(this.conversation(conversationId), body);
    if (refused) return refused;
    stored.activity = { ...body, id: activityId };
    stored.updates += 1;
    stored.versions.push(stored.activity);
    return { status: 200, body: { id: activityId } };
  }

  remove(conversationId: string, activityId: string): RouteResult {
    const stored = this.find(conversationId, activityId);
    if (!stored) return notFound('Activity', activityId);
    stored.deleted = true;
    return { status: 200 };
  }

  members(conversationId: string): RouteResult {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return notFound('Conversation', conversationId);
    return {
      status: 200,
      body: conversation.members.map((id) => this.directory.get(id) ?? { id }),
    };
  }

  /** Teams accepts the 29: user id or the Entra object id as `memberId`. */
  member(conversationId: string, memberId: string): RouteResult {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return notFound('Conversation', conversationId);
    const found = conversation.members
      .map((id) => this.directory.get(id))
      .find((m) => m !== undefined && (m.id === memberId || m.aadObjectId === memberId));
    if (!found) return notFound('Member', memberId);
    return { status: 200, body: found };
  }

  private refuse(conversation: Conversation, body: ActivityJson): RouteResult | undefined {
    if (!conversation.installed) {
      return {
        status: 403,
        body: errorBody(
          'BotNotInConversationRoster',
          'The bot is not part of the conversation roster.',
        ),
      };
    }
    if (Buffer.byteLength(JSON.stringify(body)) > MAX_ACTIVITY_BYTES) {
      return { status: 413, body: errorBody('MessageSizeTooBig', 'Message size too big') };
    }
    return undefined;
  }

  private find(conversationId: string, activityId: string): ActivityRecord | undefined {
    return this.conversations
      .get(conversationId)
      ?.activities.find((a) => a.id === activityId && !a.deleted);
  }

  /** Known conversation, or a new one: Teams conversations exist before the bot speaks. */
  private conversation(id: string, tenantId?: string, isGroup?: boolean): Conversation {
    const known = this.conversations.get(id);
    if (known) return known;
    const created: Conversation = {
      id,
      members: [],
      isGroup: isGroup ?? id.startsWith('19:'),
      activities: [],
      installed: true,
    };
    if (tenantId !== undefined) created.tenantId = tenantId;
    this.conversations.set(id, created);
    return created;
  }

  private store(
    conversation: Conversation,
    body: ActivityJson,
    replyToId?: string,
    id = this.newActivityId(),
  ): ActivityRecord {
    const activity: ActivityJson = { ...body, id };
    const tenantId = activity.conversation?.tenantId;
    if (conversation.tenantId === undefined && tenantId !== undefined) {
      conversation.tenantId = tenantId;
    }
    const record: ActivityRecord = {
      id,
      conversationId: conversation.id,
      replyToId,
      activity,
      updates: 0,
      deleted: false,
      versions: [activity],
      sentAt: Date.now(),
    };
    conversation.activities.push(record);
    this.activities.push(record);
    return record;
  }

  /** Teams message ids are epoch-millisecond strings, e.g. `1700000000000`. */
  private newActivityId(): string {
    this.nextActivityId += 1;
    return String(this.nextActivityId);
  }
}
