import { describe, expect, it } from 'vitest';
import type { MessageRefs } from '../../adapters/chat/message-refs.ts';

export function messageRefsContract(
  name: string,
  setup: () => Promise<{ refs: MessageRefs; teardown(): Promise<void> }>,
) {
  describe(`MessageRefs contract: ${name}`, () => {
    it('lets exactly one of many concurrent claims win', async () => {
      const { refs, teardown } = await setup();
      const wins = await Promise.all(
        Array.from({ length: 20 }, () => refs.claim('R1', 'slack', 'C1', 'approval')),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await refs.claim('R1', 'slack', 'C1', 'requester')).toBe(true);
      expect(await refs.claim('R1', 'teams', 'C1', 'approval')).toBe(true);
      expect(await refs.claim('R2', 'slack', 'C1', 'approval')).toBe(true);
      await teardown();
    });

    it('gives a released claim back', async () => {
      const { refs, teardown } = await setup();
      expect(await refs.claim('R1', 'slack', 'C1', 'approval')).toBe(true);
      await refs.release('R1', 'slack', 'C1', 'approval');
      expect(await refs.claim('R1', 'slack', 'C1', 'approval')).toBe(true);
      await teardown();
    });

    it('remembers every message sent for a request', async () => {
      const { refs, teardown } = await setup();
      const a = { platform: 'slack', channel: 'C1', messageId: '1.1', kind: 'approval' } as const;
      const b = { platform: 'slack', channel: 'D9', messageId: '2.2', kind: 'approval' } as const;
      const c = {
        platform: 'teams',
        channel: '19:x',
        messageId: 'act-1',
        kind: 'requester',
      } as const;
      await refs.save('R1', a);
      await refs.save('R1', b);
      await refs.save('R1', c);
      await refs.save('R2', a);
      const listed = await refs.list('R1');
      expect([...listed].sort((x, y) => x.messageId.localeCompare(y.messageId))).toEqual([a, b, c]);
      expect(await refs.list('R3')).toEqual([]);
      await teardown();
    });
  });
}
