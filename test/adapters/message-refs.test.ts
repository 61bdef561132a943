import { MemoryMessageRefs } from '../../adapters/chat/message-refs.ts';
import { RedisMessageRefs } from '../../adapters/redis/message-refs.ts';
import { messageRefsContract } from '../contracts/message-refs.contract.ts';
import { freshRedis } from '../support/redis.ts';

messageRefsContract('memory', async () => ({
  refs: new MemoryMessageRefs(),
  teardown: async () => {},
}));

messageRefsContract('redis', async () => {
  const r = await freshRedis({ confined: true });
  return { refs: new RedisMessageRefs(r.redis, r.prefix), teardown: r.cleanup };
});
