/**
 * Opsgenie stand-in (node:http on 127.0.0.1, a random port): `GET /v2/schedules/{id}/on-calls`
 * as Opsgenie answers it — `Authorization: GenieKey …` checked (401 with Opsgenie's error
 * body), unknown schedules 404, `flat=true` giving `onCallRecipients` as usernames (emails),
 * and injectable faults: 429 with Opsgenie's throttling headers, 5xx, slow answers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OpsgenieStandIn {
  readonly baseUrl: string;
  readonly token: string;
  readonly calls: { readonly url: string; readonly authorization: string }[];
  /** Who is on call in the schedule now (emails). */
  setOnCall(id: string, name: string, emails: readonly string[]): void;
  failNext(...faults: Fault[]): void;
  delay(ms: number): void;
  close(): Promise<void>;
}

const meta = () => ({ took: 0.004, requestId: randomUUID() });

export const OPSGENIE_ERRORS = {
  unauthorized: () => ({ message: 'Could not authenticate', ...meta() }),
  rateLimited: () => ({
    message: 'You are making too many requests! To avoid errors, we recommend you limit requests.',
    ...meta(),
  }),
  internal: () => ({ message: 'Internal Server Error', ...meta() }),
};

export async function startOpsgenieStandIn(token = 'og-stand-in-key'): Promise<OpsgenieStandIn> {
  const schedules = new Map<string, { name: string; emails: readonly string[] }>();
  const faults: Fault[] = [];
  const calls: { url: string; authorization: string }[] = [];
  let delayMs = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorization = req.headers.authorization ?? '';
    calls.push({ url: `${url.pathname}${url.search}`, authorization });
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const fault = faults.shift();
    if (fault) return send(res, fault.status, fault.body ?? meta(), fault.headers);
    if (authorization !== `GenieKey ${token}`)
      return send(res, 401, OPSGENIE_ERRORS.unauthorized());
    const match = /^\/v2\/schedules\/([^/]+)\/on-calls$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(res, 404, { message: 'Not Found', ...meta() });
    const id = decodeURIComponent(match[1] ?? '');
    const schedule = schedules.get(id);
    if (!schedule)
      return send(res, 404, { message: `No schedule exists with identifier [${id}]`, ...meta() });
    const flat = url.searchParams.get('flat') === 'true';
    send(res, 200, {
      data: {
        _parent: { id, name: schedule.name, enabled: true },
        ...(flat
          ? { onCallRecipients: schedule.emails }
          : {
              onCallParticipants: schedule.emails.map((e) => ({
                id: randomUUID(),
                name: e,
                type: 'user',
              })),
            }),
      },
      ...meta(),
    });
  };

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    calls,
    setOnCall: (id, name, emails) => void schedules.set(id, { name, emails }),
    failNext: (...f) => void faults.push(...f),
    delay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
