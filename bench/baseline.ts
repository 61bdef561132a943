/**
 * The baseline server: bare node:http that checks Slack's v0 signature (HMAC-SHA256 of
 * `v0:<timestamp>:<body>`, constant-time compare, five-minute window) and answers 200 with an
 * empty body. The least any Slack endpoint must do. `node bench/baseline.ts <secret>` prints
 * its port.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = process.argv[2] ?? '';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const given = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
    const body = Buffer.concat(chunks).toString('utf8');
    const want = Buffer.from(
      `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    );
    const fresh = Math.abs(Date.now() / 1000 - timestamp) <= 300;
    const ok = fresh && given.length === want.length && timingSafeEqual(given, want);
    res.writeHead(ok ? 200 : 401).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
