import { describe, expect, it } from 'vitest';
import {
  type ConversationRefs,
  MemoryConversationRefs,
} from '../../adapters/chat/conversation-refs.ts';
import { Integrity } from '../../adapters/integrity.ts';
import { RedisConversationRefs } from '../../adapters/redis/conversation-refs.ts';
import type { IntegrityIncident } from '../../bot/core/ports/integrity.ts';
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

  it('refuses a reference rewritten in Redis to send the bot token elsewhere', async () => {
    const r = await freshRedis({ confined: true });
    const seal = Integrity.ephemeral();
    const refused: IntegrityIncident[] = [];
    seal.onRefusal((incident) => refused.push(incident));
    const refs = new RedisConversationRefs(r.redis, r.prefix, seal);
    await refs.save('u-alice', reference);
    const key = `${r.prefix}:convref:u-alice`;
    const stored = (await r.redis.get(key)) ?? '';
    await r.redis.set(key, stored.replace('smba.trafficmanager.net', 'collector.example'));
    expect(await refs.get('u-alice')).toBeNull();
    // Today's format, plain JSON, is refused the same way.
    await r.redis.set(
      key,
      JSON.stringify({ ...reference, serviceUrl: 'https://collector.example/' }),
    );
    expect(await refs.get('u-alice')).toBeNull();
    expect(refused).toEqual([
      { kind: 'conversation', name: key, problem: 'its seal does not match its content' },
      { kind: 'conversation', name: key, problem: 'its seal does not match its content' },
    ]);
    await r.cleanup();
  });
});
