/** Schedule request names: RFC 9562 version-5 UUIDs, stable per request, target and step. */
import { describe, expect, it } from 'vitest';
import { requestName, uuidV5 } from '../../../adapters/arm/request-name.ts';
import { azureTargets as t } from '../../contracts/azure-world.ts';

describe('uuidV5', () => {
  it('matches the RFC 9562 test vector (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('requestName', () => {
  it('is the same for the same request, target and step, and differs otherwise', () => {
    const assign = requestName('R0000001', t.contributorPayments, 'assign');
    expect(assign).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestName('R0000001', { ...t.contributorPayments }, 'assign')).toBe(assign);
    const others = [
      requestName('R0000002', t.contributorPayments, 'assign'),
      requestName('R0000001', t.readerPayments, 'assign'),
      requestName('R0000001', t.contributorWeb, 'assign'),
      requestName('R0000001', t.contributorPayments, 'remove'),
      requestName('R0000001', t.contributorPayments, 'extend:1795435200000'),
    ];
    expect(new Set([assign, ...others]).size).toBe(6);
  });
});
