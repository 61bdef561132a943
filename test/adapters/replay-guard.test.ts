import { describe, expect, it } from 'vitest';
import { MemoryReplayGuard } from '../../adapters/chat/replay-guard.ts';

describe('memory replay guard', () => {
  it('refuses a repeat within the window and forgets it after', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.firstSeen('a', 10)).toBe(true);
    expect(await guard.firstSeen('a', 10)).toBe(false);
    now = 9_999;
    expect(await guard.firstSeen('a', 10)).toBe(false);
    now = 10_000;
    expect(await guard.firstSeen('a', 10)).toBe(true);
  });

  it('keeps windows of different lengths apart', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(() => now);
    await guard.firstSeen('long', 100);
    await guard.firstSeen('short', 1);
    now = 2_000;
    expect(await guard.firstSeen('short', 1)).toBe(true);
    expect(await guard.firstSeen('long', 100)).toBe(false);
  });
});
