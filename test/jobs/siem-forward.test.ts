import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { parsePolicy } from '../../bot/policy-file.ts';
import { forwardAuditEvents, siemSignature } from '../../jobs/siem-forward.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const SECRET = 'siem-hmac-secret';
let redis: FreshRedis | null = null;
const servers: { close(): void }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await redis?.cleanup();
  redis = null;
});

/** A SIEM that checks the signature, can fail on demand, and keeps what it accepted. */
async function fakeSiem(failFirst = 0) {
  const received: number[] = [];
  let failures = failFirst;
  let badSignatures = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const ts = Number(req.headers['x-elevate-timestamp']);
    if (req.headers['x-elevate-signature'] !== siemSignature(SECRET, ts, body)) {
      badSignatures += 1;
      return void res.writeHead(401).end();
    }
    if (failures > 0) {
      failures -= 1;
      return void res.writeHead(503).end();
    }
    received.push(...(JSON.parse(body) as { events: { seq: number }[] }).events.map((e) => e.seq));
    res.writeHead(202).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    badSignatures: () => badSignatures,
  };
}

describe('SIEM forwarding', () => {
  it('sends every audit event once and in order, signed, and resumes after a failure', async () => {
    redis = await freshRedis();
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    for (let i = 0; i < 1_200; i++) await audit.append(makeEvent(makeRequest()));
    const siem = await fakeSiem(1);
    const target = { url: siem.url, secret: SECRET };
    await expect(forwardAuditEvents(audit, redis.redis, redis.prefix, target)).rejects.toThrow(
      /answered 503/,
    );
    expect(await forwardAuditEvents(audit, redis.redis, redis.prefix, target)).toBe(1_200);
    await audit.append(makeEvent(makeRequest()));
    expect(await forwardAuditEvents(audit, redis.redis, redis.prefix, target)).toBe(1);
    expect(await forwardAuditEvents(audit, redis.redis, redis.prefix, target)).toBe(0);
    expect(siem.received).toEqual(Array.from({ length: 1_201 }, (_, i) => i + 1));
    expect(siem.badSignatures()).toBe(0);
  });

  it('is refused by a SIEM holding another key', async () => {
    redis = await freshRedis();
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    await audit.append(makeEvent(makeRequest()));
    const siem = await fakeSiem();
    await expect(
      forwardAuditEvents(audit, redis.redis, redis.prefix, { url: siem.url, secret: 'wrong' }),
    ).rejects.toThrow(/401/);
    expect(siem.badSignatures()).toBe(1);
  });

  it('reads siem.url from policy.yaml and wants https', () => {
    const ok = parsePolicy(
      'defaults: { approval: { required: false } }\nsiem: { url: https://siem.contoso.com/elevate }\n',
      'policy.yaml',
    );
    expect(ok.ok && ok.value.siem).toEqual({ url: 'https://siem.contoso.com/elevate' });
    const bad = parsePolicy(
      'defaults: { approval: { required: false } }\nsiem: { url: http://siem.contoso.com }\n',
      'policy.yaml',
    );
    expect(bad.ok ? [] : bad.error.map((e) => `${e.path}: ${e.message}`)).toEqual([
      expect.stringContaining('https://'),
    ]);
  });
});
