/**
 * HTTPS listener for the token endpoint: MSAL (which botframework-connector uses to get the
 * Connector token) throws `authority_uri_insecure` for an http authority. The certificate
 * comes from the test CA that global setup hands to Node through NODE_EXTRA_CA_CERTS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { loadTestTls } from '../../support/tls.ts';
import { closeServer, errorBody, listen, sendJson } from './http-util.ts';

export type OriginHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
) => Promise<void>;

export async function startLoginServer(
  handle: OriginHandler,
): Promise<{ origin: string; close(): Promise<void> }> {
  const { cert, key } = loadTestTls();
  const server = createServer({ cert, key }, (req, res) => {
    handle(req, res, origin).catch((err: unknown) => {
      sendJson(res, 500, errorBody('ServiceError', String(err)));
    });
  });
  const port = await listen(server, '127.0.0.1');
  const origin = `https://localhost:${port}`;
  return { origin, close: () => closeServer(server) };
}
