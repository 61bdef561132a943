/**
 * PagerDuty REST API v2 stand-in (node:http on 127.0.0.1, a random port): `GET /oncalls` as
 * PagerDuty answers it — `Authorization: Token token=…` checked (401 with PagerDuty's error
 * body), `schedule_ids[]` / `escalation_policy_ids[]` filters, `include[]=users` for the
 * users' emails (references without), offset paging with `more`, and injectable faults:
 * 429 with Retry-After and rate-limit headers, 5xx, and slow answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerDutyShift {
  readonly email: string;
  readonly name?: string;
  /** Epoch ms; absent: started long ago. */
  readonly start?: number;
  /** Epoch ms; absent: permanent on call (`end: null`). */
  readonly end?: number;
}

export interface Fault {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PagerDutyStandIn {
  readonly baseUrl: string;
  readonly token: string;
  /** Every request: path with query, and the Authorization header it carried. */
  readonly calls: { readonly url: string; readonly authorization: string }[];
  addSchedule(id: string, name: string, shifts: readonly PagerDutyShift[]): void;
  addEscalationPolicy(id: string, name: string, shifts: readonly PagerDutyShift[]): void;
  /** The next requests are answered with these, in order. */
  failNext(...faults: Fault[]): void;
  /** Every answer waits this long (0: none). */
  delay(ms: number): void;
  close(): Promise<void>;
}

export const PAGERDUTY_ERRORS = {
  unauthorized: { error: { message: 'Authentication failed', code: 2006 } },
  rateLimited: { error: { message: 'Rate Limit Exceeded', code: 2020 } },
  internal: { error: { message: 'Internal Server Error', code: 2001 } },
} as const;

interface Rotation {
  readonly id: string;
  readonly name: string;
  readonly shifts: readonly PagerDutyShift[];
}

export async function startPagerDutyStandIn(
  token = 'pd-stand-in-token',
): Promise<PagerDutyStandIn> {
  const schedules = new Map<string, Rotation>();
  const policies = new Map<string, Rotation>();
  const faults: Fault[] = [];
  const calls: { url: string; authorization: string }[] = [];
  let delayMs = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorization = req.headers.authorization ?? '';
    calls.push({ url: `${url.pathname}${url.search}`, authorization });
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const fault = faults.shift();
    if (fault) return send(res, fault.status, fault.body ?? {}, fault.headers);
    if (authorization !== `Token token=${token}`)
      return send(res, 401, PAGERDUTY_ERRORS.unauthorized);
    if (req.method !== 'GET' || url.pathname !== '/oncalls')
      return send(res, 404, { error: { message: 'Not Found', code: 2100 } });
    const since = Date.parse(url.searchParams.get('since') ?? '');
    const until = Date.parse(url.searchParams.get('until') ?? '');
    if (Number.isNaN(since) || Number.isNaN(until) || until < since)
      return send(res, 400, {
        error: {
          message: 'Invalid Input Provided',
          code: 2001,
          errors: ['Invalid since or until'],
        },
      });
    const users = url.searchParams.getAll('include[]').includes('users');
    const scheduleIds = url.searchParams.getAll('schedule_ids[]');
    const policyIds = url.searchParams.getAll('escalation_policy_ids[]');
    const entries = [
      ...[...schedules.values()].flatMap((s) =>
        s.shifts.map((shift) => ({ shift, schedule: s, policy: policyFor(s) })),
      ),
      ...[...policies.values()].flatMap((p) =>
        p.shifts.map((shift) => ({ shift, schedule: null, policy: p })),
      ),
    ]
      .filter(
        ({ shift }) =>
          (shift.start ?? 0) <= until && (shift.end === undefined || shift.end > since),
      )
      .filter(
        ({ schedule }) =>
          scheduleIds.length === 0 || (schedule && scheduleIds.includes(schedule.id)),
      )
      .filter(({ policy }) => policyIds.length === 0 || policyIds.includes(policy.id))
      .map(({ shift, schedule, policy }) => ({
        escalation_policy: reference('escalation_policy', policy),
        escalation_level: 1,
        schedule: schedule ? reference('schedule', schedule) : null,
        user: userOf(shift, users),
        start: shift.start === undefined ? null : new Date(shift.start).toISOString(),
        end: shift.end === undefined ? null : new Date(shift.end).toISOString(),
      }));
    const limit = Number(url.searchParams.get('limit') ?? 25);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    send(res, 200, {
      oncalls: entries.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < entries.length,
      total: null,
    });
  };

  /** Each schedule sits in an escalation policy of its own, as PagerDuty requires. */
  const policyFor = (s: Rotation): Rotation => ({
    id: `EP${s.id}`,
    name: `${s.name} policy`,
    shifts: [],
  });

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
    addSchedule: (id, name, shifts) => void schedules.set(id, { id, name, shifts }),
    addEscalationPolicy: (id, name, shifts) => void policies.set(id, { id, name, shifts }),
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

function reference(kind: 'schedule' | 'escalation_policy', r: Rotation) {
  return {
    id: r.id,
    type: `${kind}_reference`,
    summary: r.name,
    self: `https://api.pagerduty.com/${kind === 'schedule' ? 'schedules' : 'escalation_policies'}/${r.id}`,
    html_url: `https://contoso.pagerduty.com/${kind === 'schedule' ? 'schedules' : 'escalation_policies'}/${r.id}`,
  };
}

/** With include[]=users the full user (with email); without, a reference that has none. */
function userOf(shift: PagerDutyShift, full: boolean) {
  const id = `PU${Buffer.from(shift.email).toString('hex').slice(0, 6).toUpperCase()}`;
  const name = shift.name ?? shift.email.split('@')[0];
  return full
    ? { id, type: 'user', name, summary: name, email: shift.email, time_zone: 'Europe/Amsterdam' }
    : { id, type: 'user_reference', summary: name };
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
