/**
 * A Teams tenant for end-to-end tests: the Graph stand-in seeded with E2E_WORLD, the Bot
 * Connector stand-in with real channel tokens, a fresh Redis prefix and the bot started as
 * `npm start` would; with the two things a person does in Teams, typing and clicking a card.
 */
import { expect } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import { createLogger } from '../../bot/log.ts';
import { invokeActivity, messageActivity } from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, type TENANT, testPolicy } from './world.ts';

export const TEAMS_TENANT_ID = 'contoso-tenant';
export const APPROVALS = '19:approvals@thread.tacv2';
export const SECURITY = '19:security@thread.tacv2';

type Person = (typeof TENANT)[keyof typeof TENANT];

export interface TeamsWorld {
  readonly graph: GraphStandIn;
  readonly teams: TeamsChannel;
  readonly app: RunningApp;
  readonly redis: FreshRedis;
  /** `text` typed by `p` in their 1:1 chat with the bot; the bot's reply activity as JSON. */
  say(p: Person, text: string): Promise<string>;
  /** `p` clicks an Action.Execute with `verb` on a card in the approvals channel. */
  act(p: Person, verb: string, data: Record<string, unknown>): Promise<string>;
  /** The approval card for request `id` in the approvals channel. */
  cardFor(id: string): { readonly activity: unknown; readonly updates: number } | undefined;
  /** What the bot posted in `p`'s 1:1 chat, as JSON texts. */
  personalTexts(p: Person): string[];
  close(): Promise<void>;
}

export const personalChat = (p: Person) => ({
  id: `a:1-${p.slack}`,
  conversationType: 'personal' as const,
  tenantId: TEAMS_TENANT_ID,
});
const user = (p: Person) => ({ id: `29:${p.slack}`, name: p.name, aadObjectId: p.id });

/** `clock`: the bot's own clock (the stand-ins keep real time), to reach a deadline at once. */
export async function startTeamsWorld(
  options: {
    readonly policy?: string;
    readonly env?: Record<string, string>;
    readonly clock?: Clock;
  } = {},
): Promise<TeamsWorld> {
  const graph = await startTenant();
  const teams = await startTeamsChannel();
  const redis: FreshRedis = await freshRedis();
  const config = loadConfig({ ...graphEnv(graph, redis.prefix), ...teams.env, ...options.env });
  const app = await startApp({
    config,
    policy: testPolicy(options.policy),
    log: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const { connector } = teams;
  const messages = `${app.url}/api/messages`;
  return {
    graph,
    teams,
    app,
    redis,
    async say(p, text) {
      const conversation = personalChat(p);
      const before = connector.activitiesIn(conversation.id).length;
      const activity = messageActivity({
        text,
        from: user(p),
        conversation,
        serviceUrl: connector.serviceUrl,
      });
      expect((await teams.post(messages, activity)).status).toBe(200);
      const reply = await waitFor(
        () => connector.activitiesIn(conversation.id)[before],
        5_000,
        `reply to "${text}"`,
      );
      return JSON.stringify(reply.activity);
    },
    async act(p, verb, data) {
      const activity = invokeActivity({
        verb,
        data,
        from: user(p),
        conversation: { id: APPROVALS, conversationType: 'channel', tenantId: TEAMS_TENANT_ID },
        serviceUrl: connector.serviceUrl,
      });
      const res = await teams.post(messages, activity);
      expect(res.status).toBe(200);
      return JSON.stringify(res.body);
    },
    cardFor: (id) =>
      connector.activitiesIn(APPROVALS).find((a) => JSON.stringify(a.activity).includes(id)),
    personalTexts: (p) =>
      connector.activitiesIn(personalChat(p).id).map((a) => JSON.stringify(a.activity)),
    async close() {
      await app.close();
      await teams.close();
      await graph.close();
      await redis.cleanup();
    },
  };
}

/** Card text as JSON with Teams' markdown escapes (`Break\\-glass`) taken out. */
export const unescaped = (json: string): string => json.replace(/\\\\(.)/g, '$1');

/** The first post in the security channel (as unescaped JSON) that has `needle`. */
export const securityText = (w: TeamsWorld, needle: string): Promise<string> =>
  waitFor(
    () =>
      w.teams.connector
        .activitiesIn(SECURITY)
        .map((a) => unescaped(JSON.stringify(a.activity)))
        .find((t) => t.includes(needle)),
    10_000,
    `security post "${needle}"`,
  );
