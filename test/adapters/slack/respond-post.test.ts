/**
 * Bolt's respond() through respondFetch (adapters/slack/respond-post.ts): its POST goes over
 * node:http with the connection kept, answers read as fetch would give them, and every other
 * request shape (the Web API client's) to the fetch it wraps.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { respondFetch } from '../../../adapters/slack/respond-post.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

interface Seen {
  readonly method: string;
  readonly type: string;
  readonly body: string;
  readonly port: number;
}

async function standIn(status: number, answer: string) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        type: String(req.headers['content-type']),
        body: Buffer.concat(chunks).toString(),
        port: req.socket.remotePort ?? 0,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands/T1/1/abc`;
  return { url, seen };
}

const boltRespond = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

const refusingFetch: typeof fetch = () => Promise.reject(new Error('the wrapped fetch was used'));

describe('respondFetch', () => {
  it("posts respond()'s message over one kept-alive connection and reads the answer", async () => {
    const slack = await standIn(200, 'ok');
    const post = respondFetch(refusingFetch);
    const first = await post(slack.url, boltRespond({ text: 'hello', response_type: 'ephemeral' }));
    const second = await post(slack.url, boltRespond({ text: 'again' }));
    expect(first.ok).toBe(true);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok');
    expect(second.ok).toBe(true);
    expect(slack.seen.map((s) => [s.method, s.type, JSON.parse(s.body).text])).toEqual([
      ['POST', 'application/json', 'hello'],
      ['POST', 'application/json', 'again'],
    ]);
    expect(slack.seen[1]?.port).toBe(slack.seen[0]?.port);
  });

  it('gives a refused post as fetch would: not ok, with its status', async () => {
    const slack = await standIn(404, 'expired_url');
    const answer = await respondFetch(refusingFetch)(slack.url, boltRespond({ text: 'late' }));
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe('expired_url');
  });

  it("hands the Web API client's requests and anything not http(s) elsewhere", async () => {
    const slack = await standIn(200, '{"ok":true}');
    const used: string[] = [];
    const wrapped: typeof fetch = async (input) => {
      used.push(String(input));
      return new Response('{"ok":true}');
    };
    const post = respondFetch(wrapped);
    await post(`${slack.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: 'Bearer xoxb-1' },
      body: 'channel=C1',
      redirect: 'error',
      signal: undefined,
    });
    await post(slack.url, { method: 'GET' });
    expect(used).toHaveLength(2);
    expect(slack.seen).toEqual([]);
    await expect(post('ftp://example.test/x', boltRespond({ text: 'x' }))).rejects.toThrow(
      'not http(s)',
    );
  });
});
