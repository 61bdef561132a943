import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from './scripts.ts';

export type { RedisClient } from './scripts.ts';

/**
 * A client for request handling: commands fail fast while Redis is unreachable instead of
 * queueing, so a user hears "try again" at once and nothing is half-done later.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    ...AUTO_PIPELINING,
  });
}

/**
 * The commands that concurrent requests send in the same tick go out in one write: each
 * socket write is a system call, and at a few commands per Slack request (the replay guard,
 * the identity cache, a record) those writes were the largest single cost of the bot under
 * load. BullMQ's connections go without: their blocking commands wait alone.
 */
const AUTO_PIPELINING = { enableAutoPipelining: true } as const;

/** Where Redis is: one server by URL, or a Redis Cluster by its seed nodes. */
export interface RedisTarget {
  /** The server, or for a cluster the credentials and TLS (`rediss:`) its nodes share. */
  readonly url: string;
  /** Seed nodes of a Redis Cluster; ioredis discovers the others and follows failovers. */
  readonly clusterNodes?: readonly { readonly host: string; readonly port: number }[];
}

/** The connections one process makes. Every one of them is closed by `disconnect`. */
export interface RedisConnections {
  /** Request handling: fails fast (connectRedis). */
  readonly client: RedisClient;
  /** BullMQ's queues: waits for Redis instead of failing (BullMQ's requirement). */
  readonly queue: RedisClient;
  /** A fresh connection for one more BullMQ worker (its blocking commands need their own). */
  worker(): RedisClient;
  disconnect(): void;
}

export function openRedis(target: RedisTarget): RedisConnections {
  const made: RedisClient[] = [];
  const track = <T extends RedisClient>(client: T): T => {
    made.push(client);
    return client;
  };
  const nodes = target.clusterNodes;
  if (!nodes || nodes.length === 0) {
    const client = track(connectRedis(target.url));
    const waiting = {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      enableAutoPipelining: false,
    } as const;
    const queue = track(client.duplicate(waiting));
    return {
      client,
      queue,
      worker: () => track(client.duplicate(waiting)),
      disconnect: () => {
        for (const c of made) c.disconnect();
      },
    };
  }
  const shared = nodeOptions(target.url);
  const cluster = (redisOptions: RedisOptions, offline: boolean, pipelined = false) =>
    track(
      new Cluster(nodes as ClusterNode[], {
        lazyConnect: true,
        enableOfflineQueue: offline,
        enableAutoPipelining: pipelined,
        // Follow a failover: a moved slot or a replica promoted is retried on the new owner.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 300,
        retryDelayOnTryAgain: 200,
        slotsRefreshTimeout: 2_000,
        redisOptions: { ...shared, ...redisOptions },
      }),
    );
  return {
    client: cluster({ maxRetriesPerRequest: 1, connectTimeout: 2_000 }, false, true),
    queue: cluster({ maxRetriesPerRequest: null }, true),
    worker: () => cluster({ maxRetriesPerRequest: null }, true),
    disconnect: () => {
      for (const c of made) c.disconnect();
    },
  };
}

/** Credentials, database-less, and TLS from a `redis://` or `rediss://` URL, for every node. */
function nodeOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
  };
}
