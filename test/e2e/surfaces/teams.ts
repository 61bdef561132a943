/**
 * Teams as a lifecycle surface: the bot behind the real CloudAdapter, message activities and
 * `adaptiveCard/action` invokes in, and what the Bot Connector stand-in received out.
 */
import { startApp } from '../../../bot/app.ts';
import { loadConfig } from '../../../bot/config.ts';
import { createLogger } from '../../../bot/log.ts';
import type { PostedCard, SurfaceHarness } from '../../contracts/message-lifecycle.contract.ts';
import {
  type ActivityJson,
  invokeActivity,
  messageActivity,
  type StoredActivity,
} from '../../standins/botframework/index.ts';
import { freshRedis } from '../../support/redis.ts';
import { waitFor } from '../../support/wait.ts';
import { startTeamsChannel } from '../teams-channel.ts';
import { graphEnv, ROLES, startTenant, TENANT } from '../world.ts';
import { lifecyclePolicy } from './policy.ts';

const TENANT_ID = 'contoso-tenant';
const APPROVALS = '19:approvals@thread.tacv2';
const SECURITY = '19:security@thread.tacv2';

type Person = (typeof TENANT)[keyof typeof TENANT];
const personal = (p: Person) => `a:1-${p.slack}`;
const user = (p: Person) => ({ id: `29:${p.slack}`, name: p.name, aadObjectId: p.id });
const offersApprove = (card: string) => card.includes('"verb":"approve"');
const textOf = (a: ActivityJson) => JSON.stringify(a);

/** The `refresh.userIds` of the first Adaptive Card in a JSON text (activity or invoke answer). */
export function refreshUserIds(json: string): readonly string[] {
  const find = (v: unknown): readonly string[] | null => {
    if (Array.isArray(v)) return v.map(find).find((x) => x !== null) ?? null;
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    const refresh = o.refresh as { userIds?: unknown } | undefined;
    if (o.type === 'AdaptiveCard' && refresh && Array.isArray(refresh.userIds))
      return refresh.userIds.filter((x): x is string => typeof x === 'string');
    return (
      Object.values(o)
        .map(find)
        .find((x) => x !== null) ?? null
    );
  };
  try {
    return find(JSON.parse(json)) ?? [];
  } catch {
    return [];
  }
}

export async function teamsSurface(): Promise<SurfaceHarness> {
  const graph = await startTenant();
  const teams = await startTeamsChannel();
  const { connector } = teams;
  const redis = await freshRedis();
  const config = loadConfig({
    ...graphEnv(graph, redis.prefix),
    ...teams.env,
  });
  const app = await startApp({ config, policy: lifecyclePolicy(), log: createLogger('silent') });
  const messages = `${app.url}/api/messages`;

  async function say(p: Person, text: string): Promise<string> {
    const conversation = {
      id: personal(p),
      conversationType: 'personal' as const,
      tenantId: TENANT_ID,
    };
    const before = connector.activitiesIn(conversation.id).length;
    const activity = messageActivity({
      text,
      from: user(p),
      conversation,
      serviceUrl: connector.serviceUrl,
    });
    const res = await teams.post(messages, activity);
    if (res.status !== 200) throw new Error(`message activity answered ${res.status}`);
    const reply = await waitFor(
      () => connector.activitiesIn(conversation.id)[before],
      10_000,
      `reply to "${text}"`,
    );
    return textOf(reply.activity);
  }

  const isApprovalCard = (a: StoredActivity, requestId: string) => {
    const first = a.versions[0];
    return (
      !a.deleted && !!first && offersApprove(textOf(first)) && textOf(first).includes(requestId)
    );
  };

  // The approvers talk to the bot first, so it holds a personal conversation with each.
  await say(TENANT.bob, 'help');
  await say(TENANT.carol, 'help');

  return {
    deps: app.deps,
    conversations: {
      approvers: [APPROVALS, personal(TENANT.bob)],
      backup: [personal(TENANT.carol)],
    },
    submit: (text) => say(TENANT.alice, `/elevate ${text}`),
    async approve(requestId) {
      const card = connector.activitiesIn(APPROVALS).find((a) => isApprovalCard(a, requestId));
      const activity = invokeActivity({
        verb: 'approve',
        data: { requestId },
        from: user(TENANT.carol),
        conversation: { id: APPROVALS, conversationType: 'channel', tenantId: TENANT_ID },
        serviceUrl: connector.serviceUrl,
        ...(card ? { replyToId: card.id } : {}),
      });
      const res = await teams.post(messages, activity);
      if (res.status !== 200) throw new Error(`invoke answered ${res.status}`);
      return JSON.stringify(res.body);
    },
    granted: async () =>
      graph.tenant
        .activeAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.exchange.id),
    approvalCards: async (requestId) =>
      connector.activities
        .filter((a) => isApprovalCard(a, requestId))
        .map(
          (a): PostedCard => ({
            conversation: a.conversationId,
            messageId: a.id,
            versions: a.versions.map(textOf),
          }),
        ),
    offersApprove,
    toRequester: async () =>
      connector.activitiesIn(personal(TENANT.alice)).map((a) => textOf(a.activity)),
    toSecurity: async () => connector.activitiesIn(SECURITY).map((a) => textOf(a.activity)),
    traffic: async () => connector.calls.length,
    approverIds: {
      first: [user(TENANT.bob).id],
      backup: [user(TENANT.carol).id],
      of: refreshUserIds,
    },
    async close() {
      await app.close();
      await teams.close();
      await graph.close();
      await redis.cleanup();
    },
  };
}
