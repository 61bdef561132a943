/**
 * The sandbox's simulated PagerDuty: `GET /oncalls` of the REST API v2 on 127.0.0.1, with one
 * schedule where Bob Approver is on call, so the sandbox shows on-call approval without an
 * account. It answers in PagerDuty's shape, reached through the real adapter, and asks for
 * the token it was started with. Not for anything but the sandbox.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The schedule named in adapters/sandbox/policy.yaml, and who is on call in it. */
export const SANDBOX_SCHEDULE = {
  id: 'PSBX001',
  name: 'Security on call',
  onCall: [{ id: 'PBOB001', name: 'Bob Approver', email: 'bob@contoso.example' }],
} as const;

export interface SandboxPagerDuty {
  readonly baseUrl: string;
  readonly token: string;
  close(): Promise<void>;
}

export async function startSandboxPagerDuty(): Promise<SandboxPagerDuty> {
  const token = randomBytes(16).toString('hex');
  const server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Token token=${token}`)
      return send(res, 401, { error: { message: 'Authentication failed', code: 2006 } });
    if (req.method !== 'GET' || url.pathname !== '/oncalls')
      return send(res, 404, { error: { message: 'Not Found', code: 2100 } });
    const asked = url.searchParams.getAll('schedule_ids[]');
    const users = url.searchParams.getAll('include[]').includes('users');
    const { id, name, onCall } = SANDBOX_SCHEDULE;
    const oncalls = asked.includes(id)
      ? onCall.map((person) => ({
          escalation_policy: { id: 'PSBXEP1', type: 'escalation_policy_reference', summary: name },
          escalation_level: 1,
          schedule: { id, type: 'schedule_reference', summary: name },
          user: users
            ? { id: person.id, type: 'user', name: person.name, email: person.email }
            : { id: person.id, type: 'user_reference', summary: person.name },
          start: null,
          end: null,
        }))
      : [];
    send(res, 200, { oncalls, limit: 100, offset: 0, more: false, total: null });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
