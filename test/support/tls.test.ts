import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadTestTls } from './tls.ts';

describe('test CA', () => {
  it('is trusted by the test workers for localhost and 127.0.0.1', async () => {
    const { cert, key } = loadTestTls();
    const server = createServer({ cert, key }, (_req, res) => res.end('secure'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await (await fetch(`https://localhost:${port}/`)).text()).toBe('secure');
      expect(await (await fetch(`https://127.0.0.1:${port}/`)).text()).toBe('secure');
    } finally {
      server.close();
    }
  });
});
