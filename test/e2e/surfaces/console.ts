/**
 * The sandbox console as a lifecycle surface: `startSandbox` on Redis under a fresh prefix,
 * commands and clicks through the console's routes, and the feeds read back through
 * `/api/state`. The console has no message history, so every read records each card's
 * content when it changed: its versions as the people watching the console saw them.
 */

import { SANDBOX_PEOPLE } from '../../../adapters/sandbox/seed.ts';
import { loadConfig } from '../../../bot/config.ts';
import { createLogger } from '../../../bot/log.ts';
import { startSandbox } from '../../../bot/sandbox.ts';
import type { PostedCard, SurfaceHarness } from '../../contracts/message-lifecycle.contract.ts';
import { freshRedis } from '../../support/redis.ts';

interface Item {
  readonly id: number;
  readonly said?: string;
  readonly card?: unknown;
  readonly approvalFor?: string;
}
interface State {
  readonly version: number;
  readonly feeds: { readonly security: Item[]; readonly approvals: Item[]; readonly chat: Item[] };
}

const person = (name: string): string => {
  const found = SANDBOX_PEOPLE.find((p) => p.name.startsWith(name));
  if (!found) throw new Error(`no sandbox person ${name}`);
  return found.id;
};
const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';

export async function consoleSurface(): Promise<SurfaceHarness> {
  const redis = await freshRedis();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  const sandbox = await startSandbox({ config, log: createLogger('silent'), prefix: redis.prefix });
  if (sandbox.storage !== 'redis') throw new Error('the sandbox did not find Redis');
  const [alice, bob, carol] = [person('Alice'), person('Bob'), person('Carol')];
  /** Card versions per `<feed>#<item id>`, in the order they were seen. */
  const seen = new Map<
    string,
    { feed: string; id: number; requestId: string; versions: string[] }
  >();

  const state = async (as: string): Promise<State> =>
    (await (await fetch(`${sandbox.url}/api/state?as=${encodeURIComponent(as)}`)).json()) as State;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return JSON.stringify(await res.json());
  };
  const record = (feed: string, items: readonly Item[]) => {
    for (const item of items) {
      if (!item.approvalFor) continue;
      const key = `${feed}#${item.id}`;
      const entry = seen.get(key) ?? {
        feed,
        id: item.id,
        requestId: item.approvalFor,
        versions: [],
      };
      const card = JSON.stringify(item.card);
      if (entry.versions.at(-1) !== card) entry.versions.push(card);
      seen.set(key, entry);
    }
  };
  /** Reads every feed once: the approvals channel and everybody's chat. */
  async function look(): Promise<Map<string, State>> {
    const states = new Map<string, State>();
    for (const p of SANDBOX_PEOPLE) {
      const s = await state(p.id);
      states.set(p.id, s);
      record('approvals', s.feeds.approvals);
      record(`chat:${p.id}`, s.feeds.chat);
    }
    return states;
  }
  const cardsOf = (s: State | undefined) => (s?.feeds.chat ?? []).filter((i) => !i.said);

  return {
    deps: sandbox.deps,
    conversations: { approvers: ['approvals', `chat:${bob}`], backup: [`chat:${carol}`] },
    submit: (text) => post('/api/command', { as: alice, text: `/elevate ${text}` }),
    async approve(requestId) {
      const item = (await state(carol)).feeds.approvals.find((i) => i.approvalFor === requestId);
      return post('/api/action', {
        as: carol,
        itemId: item?.id ?? 0,
        verb: 'approve',
        data: { requestId },
      });
    },
    granted: async () =>
      sandbox.tenant.tenant
        .activeAssignments()
        .some((a) => a.principalId === alice && a.roleDefinitionId === EXCHANGE),
    async approvalCards(requestId) {
      await look();
      return [...seen.values()]
        .filter((e) => e.requestId === requestId)
        .map(
          (e): PostedCard => ({
            conversation: e.feed,
            messageId: String(e.id),
            versions: e.versions,
          }),
        );
    },
    offersApprove: (card) => card.includes('"verb":"approve"'),
    toRequester: async () => cardsOf((await look()).get(alice)).map((i) => JSON.stringify(i.card)),
    toSecurity: async () => (await state('')).feeds.security.map((i) => JSON.stringify(i.card)),
    traffic: async () => (await state('')).version,
    async close() {
      await sandbox.close();
      await redis.cleanup();
    },
  };
}
