import { describe, expect, it } from 'vitest';
import {
  type ConversationRefs,
  MemoryConversationRefs,
} from '../../adapters/chat/conversation-refs.ts';
import { RedisConversationRefs } from '../../adapters/redis/conversation-refs.ts';
import { freshRedis } from '../support/redis.ts';

const reference = {
  bot: { id: '28:bot', name: 'elevate' },
  conversation: { id: 'a:1xyz', conversationType: 'personal', tenantId: 'tenant' },
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  user: { id: '29:alice', aadObjectId: 'u-alice' },
};

async function roundTrip(refs: ConversationRefs) {
  expect(await refs.get('u-alice')).toBeNull();
  await refs.save('u-alice', reference);
  expect(await refs.get('u-alice')).toEqual(reference);
  await refs.save('u-alice', {
    ...reference,
    conversation: { ...reference.conversation, id: 'a:2' },
  });
  expect(await refs.get('u-alice')).toMatchObject({ conversation: { id: 'a:2' } });
}

describe('conversation references', () => {
  it('round-trip in memory', async () => {
    await roundTrip(new MemoryConversationRefs());
  });

  it('round-trip in Redis, with a TTL', async () => {
    const r = await freshRedis({ confined: true });
    await roundTrip(new RedisConversationRefs(r.redis, r.prefix));
    expect(await r.redis.ttl(`${r.prefix}:convref:u-alice`)).toBeGreaterThan(86_400);
    await r.cleanup();
  });
});
