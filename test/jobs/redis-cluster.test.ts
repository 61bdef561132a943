/**
 * elevate on a real Redis Cluster (three masters, one replica each, started here) through
 * ioredis' Cluster client, as REDIS_CLUSTER_NODES makes it, with the hash-tag prefix that puts
 * every key of the bot (store, audit chain, BullMQ) in one slot:
 * - the Slack happy path through the whole bot: asked, granted once, announced once;
 * - the grant-to-expiry flow with the master of that slot killed while the grant is active:
 *   its replica takes over, and the grant still ends once, with the audit chain whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../../adapters/graph/index.ts';
import { randomIds } from '../../adapters/memory/ids.ts';
import { MemoryNotifier } from '../../adapters/memory/notifier.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { openRedis, type RedisConnections } from '../../adapters/redis/connection.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { systemClock } from '../../adapters/system/clock.ts';
import { startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { roleTargets } from '../../bot/core/commands/command.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { startRequestWorkers } from '../../jobs/workers.ts';
import { ALICE } from '../adapters/graph/graph-fixture.ts';
import { graphEnv, ROLES, startTenant, TENANT, testPolicy } from '../e2e/world.ts';
import { startGraphStandIn } from '../standins/graph/index.ts';
import { postToBot, slashCommandBody, startSlackStandIn } from '../standins/slack/index.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { people, roles } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';
import { startTestCluster, type TestCluster } from './fixtures/redis-cluster.ts';
import { reliabilityPolicy } from './fixtures/reliability-policy.ts';

const log = createLogger('silent');
const cleanup = cleanupAfterEach();
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const tag = () => `{elevate-cluster-${randomIds.requestId().toLowerCase()}}`;

describe('on a Redis Cluster', () => {
  it('the Slack happy path: asked, granted once, announced once', async () => {
    const graph = await startTenant();
    cleanup(() => graph.close());
    const slack = await startSlackStandIn();
    cleanup(() => slack.close());
    const alice = TENANT.alice;
    slack.addUser({ id: alice.slack, name: 'alice', realName: alice.name, email: alice.upn });
    slack.addChannel({ id: 'C0SECURITY', name: 'security', botIsMember: true });
    slack.addChannel({ id: 'C0APPROVALS', name: 'pim-approvals', botIsMember: true });
    const config = loadConfig({
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      ...graphEnv(graph, tag()),
      REDIS_CLUSTER_NODES: cluster.seeds,
    });
    expect(config.redis.clusterNodes).toHaveLength(6);
    const app = await startApp({ config, policy: testPolicy(), log });
    cleanup(() => app.close());

    const responseUrl = slack.responseUrl();
    const res = await postToBot(
      `${app.url}/slack/events`,
      slack.signingSecret,
      slashCommandBody({
        text: 'Helpdesk Administrator 1h resetting a locked account',
        userId: alice.slack,
        channelId: 'C0OPS',
        responseUrl,
        triggerId: slack.triggerId(),
        teamId: slack.teamId,
      }),
    );
    expect(res.status).toBe(200);
    const reply = await waitFor(() => slack.responses.find((r) => r.url === responseUrl));
    const id = /R[0-9A-Z]{7,}/.exec(JSON.stringify(reply.body))?.[0] ?? '';
    expect(id).not.toBe('');
    const announced = await waitFor(
      () => slack.messagesIn('C0SECURITY').find((m) => m.text.includes(id)),
      15_000,
      'the activation in the security channel',
    );
    expect(announced.text).toContain('Alice Admin activated Helpdesk Administrator');
    expect((await app.deps.store.get(id))?.state).toBe('active');
    const grants = graph.tenant
      .activeAssignments()
      .filter((a) => a.principalId === alice.id && a.roleDefinitionId === ROLES.helpdesk.id);
    expect(grants).toHaveLength(1);
    expect(slack.messagesIn('C0SECURITY').filter((m) => m.text.includes(id))).toHaveLength(1);
    // Every key the bot wrote is under the hash tag: one slot, as the Lua scripts need.
    expect(await app.deps.audit.verify()).toMatchObject({ ok: true });
  }, 60_000);

  it('grant to expiry with the master of its slot killed while active: ends once', async () => {
    const graph = await startGraphStandIn();
    cleanup(() => graph.close());
    const alice = { ...people.alice, id: ALICE };
    graph.tenant.addUser({
      id: alice.id,
      displayName: alice.displayName,
      userPrincipalName: alice.email,
      mail: alice.email,
    });
    graph.tenant.addRoleDefinition({ id: roles.helpdesk.id, displayName: roles.helpdesk.name });
    graph.tenant.addEligibility({ principalId: alice.id, roleDefinitionId: roles.helpdesk.id });

    const prefix = tag();
    const redis: RedisConnections = openRedis({
      url: 'redis://127.0.0.1',
      clusterNodes: cluster.nodes,
    });
    cleanup(() => redis.disconnect());
    redis.client.on('error', () => {});
    redis.queue.on('error', () => {});
    await redis.client.connect();
    const tenant = createGraph(
      {
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecret: graph.clientSecret,
        authorityHost: graph.authorityHost,
        graphBaseUrl: graph.graphBaseUrl,
      },
      log,
    );
    const scheduler = new BullScheduler(redis.queue, prefix, systemClock);
    cleanup(() => scheduler.close());
    const deps: CoreDeps = {
      store: new RedisRequestStore(redis.client, prefix),
      audit: new RedisAuditLog(redis.client, prefix),
      directory: tenant.directory,
      privileges: tenant.privileges,
      notifier: new MemoryNotifier(),
      scheduler,
      clock: systemClock,
      ids: randomIds,
      policy: () => reliabilityPolicy,
    };
    const worker = redis.worker();
    worker.on('error', () => {});
    const workers = startRequestWorkers(deps, {
      connection: worker,
      prefix,
      log,
      backoff: { baseMs: 200, maxMs: 1_000 },
      lockDurationMs: 3_000,
      stalledIntervalMs: 1_000,
    });
    cleanup(() => workers.close(0));

    const submitted = await submit(deps, {
      requester: alice,
      platform: 'slack',
      targets: roleTargets([roles.helpdesk]),
      scope: '/',
      durationSeconds: 8,
      startAt: null,
      ticket: null,
      reason: 'resetting a locked account',
    });
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;
    await waitFor(async () => (await deps.store.get(id))?.state === 'active', 15_000, 'active');
    // Listings read their records with one MGET: one slot under the prefix's hash tag.
    expect((await deps.store.listAll({ limit: 20 })).items.map((r) => r.id)).toEqual([id]);

    const master = await cluster.masterOf(prefix);
    // Replication is asynchronous: Redis itself can lose a write acknowledged in the last
    // moment before a master dies. Wait for the replica to hold everything written so far, so
    // that what is tested is the bot's part: reconnecting, following the failover, and its
    // delayed expire job still running once.
    await redis.client.call('WAIT', '1', '2000');
    await cluster.killMaster(master);
    expect(await cluster.masterOf(prefix)).not.toBe(master);

    const ended = await waitFor(
      async () => {
        const r = await deps.store.get(id).catch(() => null);
        return r?.state === 'ended' ? r : null;
      },
      40_000,
      'the expiry after the failover',
    );
    expect(ended.endReason).toBe('expired');
    const removals = graph.calls.filter(
      (c) =>
        c.method === 'POST' &&
        c.path.endsWith('/roleAssignmentScheduleRequests') &&
        (c.body as { action?: string } | null)?.action === 'adminRemove' &&
        c.status === 201,
    );
    expect(removals.length).toBeLessThanOrEqual(1);
    expect(graph.tenant.activeAssignments().filter((a) => a.principalId === alice.id)).toEqual([]);
    const actions = (await deps.audit.list({ limit: 1_000 }))
      .filter((e) => e.requestId === id)
      .map((e) => e.action);
    expect(actions.filter((a) => a === 'grant.activated')).toHaveLength(1);
    expect(actions.filter((a) => a === 'grant.ended')).toHaveLength(1);
    expect(await deps.audit.verify()).toMatchObject({ ok: true });
  }, 90_000);
});
