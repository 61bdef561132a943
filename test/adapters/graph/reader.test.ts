/**
 * Paging and query encoding on the real Graph client, against a small HTTPS server that pages
 * the way Graph does (@odata.nextLink with a $skiptoken). The stand-in serves one page only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../adapters/graph/client.ts';
import { GraphUnavailableError } from '../../../adapters/graph/errors.ts';
import { GraphReader } from '../../../adapters/graph/reader.ts';
import { loadTestTls } from '../../support/tls.ts';

const token = {
  getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let server: Server;
let base: string;
const seen: URL[] = [];
let reply: (url: URL, res: ServerResponse) => void;

beforeEach(async () => {
  seen.length = 0;
  server = createServer(loadTestTls(), (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    seen.push(url);
    if (req.headers.authorization !== 'Bearer test-token') {
      res.writeHead(401).end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    reply(url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const reader = () => new GraphReader(createGraphClient(token, { baseUrl: base }), base);

describe('GraphReader', () => {
  it('follows @odata.nextLink through every page', async () => {
    reply = (url, res) => {
      const page = Number(url.searchParams.get('$skiptoken') ?? 0);
      const next = page < 2 ? `${base}/v1.0/users?$filter=x&$skiptoken=${page + 1}` : undefined;
      res.end(JSON.stringify({ value: [{ page }], ...(next ? { '@odata.nextLink': next } : {}) }));
    };
    expect(await reader().list('/users', 'users', { filter: "mail eq 'a'" })).toEqual([
      { page: 0 },
      { page: 1 },
      { page: 2 },
    ]);
    expect(seen.map((u) => u.searchParams.get('$skiptoken'))).toEqual([null, '1', '2']);
  });

  it('does not follow a nextLink to another host (the token would go with it)', async () => {
    reply = (_url, res) =>
      res.end(JSON.stringify({ value: [], '@odata.nextLink': 'https://evil.example/v1.0/users' }));
    await expect(reader().list('/users', 'users')).rejects.toThrow(/paging of \/users went astray/);
    expect(seen).toHaveLength(1);
  });

  it('sends filter values intact, whatever characters they hold', async () => {
    reply = (_url, res) => res.end(JSON.stringify({ value: [] }));
    const value = "o'brien+ops&x=1#frag@contoso.com";
    await reader().list('/users', 'users', {
      filter: `mail eq '${value.replace(/'/g, "''")}'`,
      select: 'id,mail',
    });
    expect(seen[0]?.searchParams.get('$filter')).toBe(
      `mail eq 'o''brien+ops&x=1#frag@contoso.com'`,
    );
    expect(seen[0]?.searchParams.get('$select')).toBe('id,mail');
  });

  it('gives up on an attempt that hangs, as an outage to retry later', async () => {
    reply = () => {
      // Never answers.
    };
    const hung = new GraphReader(
      createGraphClient(token, { baseUrl: base, attemptTimeoutMs: 150 }),
      base,
    );
    await expect(hung.list('/users', 'users')).rejects.toBeInstanceOf(GraphUnavailableError);
  });

  it('answers null for a 404 on a single object', async () => {
    reply = (_url, res) => {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { code: 'Request_ResourceNotFound', message: 'gone' } }));
    };
    expect(await reader().get('/users/nobody', 'users')).toBeNull();
  });
});
