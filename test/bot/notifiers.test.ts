/** One notifier failing (its queue unreachable) neither stops the others nor fails the change. */
import { describe, expect, it } from 'vitest';
import { MemoryNotifier } from '../../adapters/memory/notifier.ts';
import { createLogger } from '../../bot/log.ts';
import { FanOutNotifier } from '../../bot/notifiers.ts';
import { makeRequest } from '../support/fixtures.ts';

describe('fan-out notifier', () => {
  it('tells every notifier and swallows (logs) a failing one', async () => {
    const heard = new MemoryNotifier();
    const broken = {
      requestChanged: async () => {
        throw new Error('Connection is closed.');
      },
      securityAlert: async () => {
        throw new Error('Connection is closed.');
      },
      reviewChanged: async () => {
        throw new Error('Connection is closed.');
      },
    };
    const fan = new FanOutNotifier([broken, heard], createLogger('silent'));
    const request = makeRequest();
    await expect(fan.requestChanged(request, 'submitted')).resolves.toBeUndefined();
    expect(heard.changes(request.id)).toEqual(['submitted']);
    const alert = {
      kind: 'outside_pim' as const,
      key: 'k',
      title: 't',
      details: [],
      action: 'a',
      since: null,
    };
    await expect(fan.securityAlert(alert)).resolves.toBeUndefined();
    expect(heard.alerts).toEqual([alert]);
  });
});
