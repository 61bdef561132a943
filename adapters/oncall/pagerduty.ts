/**
 * PagerDuty REST API v2: who is on call now in the given schedules and escalation policies.
 * `GET /oncalls?schedule_ids[]=…&since=…&until=…&include[]=users` (and once more with
 * `escalation_policy_ids[]`: PagerDuty applies both filters together, which would hide an
 * escalation policy's direct on-calls), paged by offset. Auth: `Authorization: Token token=…`.
 */
import type { OnCallSource } from '../../bot/core/domain/policy.ts';
import type { OnCallFact } from '../../bot/core/domain/request.ts';
import type { OnCallFailure } from '../../bot/core/ports/on-call.ts';
import { type GetOptions, getJson } from './http.ts';

export interface PagerDutySettings {
  readonly token: string;
  /** Default https://api.pagerduty.com. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
}

interface Reference {
  readonly id?: unknown;
  readonly summary?: unknown;
}

interface OnCallEntry {
  readonly user?: { readonly email?: unknown };
  readonly schedule?: Reference | null;
  readonly escalation_policy?: Reference | null;
  readonly start?: unknown;
  readonly end?: unknown;
}

interface OnCallsPage {
  readonly oncalls?: readonly OnCallEntry[];
  readonly more?: unknown;
}

/** Pages read per filter: 100 entries each; a rotation with more on-calls than that is rare. */
const MAX_PAGES = 5;

export class PagerDutyOnCall {
  readonly #s: PagerDutySettings;
  readonly #get: Omit<GetOptions, 'errorText'>;

  constructor(settings: PagerDutySettings, sleep?: (ms: number) => Promise<void>) {
    this.#s = settings;
    this.#get = {
      label: 'PagerDuty',
      tokenVariable: 'PAGERDUTY_TOKEN',
      timeoutMs: settings.timeoutMs ?? 5_000,
      retries: 2,
      maxWaitMs: 2_000,
      ...(sleep ? { sleep } : {}),
    };
  }

  async onCall(
    email: string,
    sources: readonly OnCallSource[],
    now: number,
  ): Promise<{ onCall: OnCallFact[]; failure?: OnCallFailure }> {
    const wanted = email.trim().toLowerCase();
    const found: OnCallFact[] = [];
    for (const kind of ['schedule', 'escalation_policy'] as const) {
      const ids = sources.filter((s) => s.kind === kind).map((s) => s.id);
      if (ids.length === 0) continue;
      const entries = await this.#entries(kind, ids, now);
      if (!entries.ok) return { onCall: found, failure: entries.failure };
      for (const entry of entries.value) {
        const ref = kind === 'schedule' ? entry.schedule : entry.escalation_policy;
        const id = typeof ref?.id === 'string' ? ref.id : null;
        if (id === null || !ids.includes(id) || found.some((f) => f.kind === kind && f.id === id))
          continue;
        const who = typeof entry.user?.email === 'string' ? entry.user.email.toLowerCase() : '';
        if (who !== wanted || !covers(entry, now)) continue;
        const name = typeof ref?.summary === 'string' ? ref.summary : undefined;
        found.push({ provider: 'pagerduty', kind, id, ...(name ? { name } : {}) });
      }
    }
    return { onCall: found };
  }

  async #entries(
    kind: OnCallSource['kind'],
    ids: readonly string[],
    now: number,
  ): Promise<{ ok: true; value: OnCallEntry[] } | { ok: false; failure: OnCallFailure }> {
    const entries: OnCallEntry[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL('/oncalls', this.#s.baseUrl);
      for (const id of ids) url.searchParams.append(`${kind}_ids[]`, id);
      url.searchParams.set('since', new Date(now).toISOString());
      url.searchParams.set('until', new Date(now + 1_000).toISOString());
      url.searchParams.append('include[]', 'users');
      url.searchParams.set('limit', '100');
      url.searchParams.set('offset', String(page * 100));
      const got = await getJson(
        url,
        {
          authorization: `Token token=${this.#s.token}`,
          accept: 'application/vnd.pagerduty+json;version=2',
        },
        { ...this.#get, errorText },
      );
      if (!got.ok) return { ok: false, failure: { provider: 'pagerduty', message: got.message } };
      const body = got.body as OnCallsPage | null;
      if (!body || !Array.isArray(body.oncalls)) {
        return {
          ok: false,
          failure: { provider: 'pagerduty', message: 'PagerDuty answered without an oncalls list' },
        };
      }
      entries.push(...body.oncalls);
      if (body.more !== true) break;
    }
    return { ok: true, value: entries };
  }
}

/** An entry covers now when it has started and not ended (a null end: permanent on call). */
function covers(entry: OnCallEntry, now: number): boolean {
  const start = typeof entry.start === 'string' ? Date.parse(entry.start) : Number.NaN;
  const end = typeof entry.end === 'string' ? Date.parse(entry.end) : Number.NaN;
  return (Number.isNaN(start) || start <= now) && (Number.isNaN(end) || now < end);
}

/** PagerDuty's error body: `{ "error": { "message": "…", "code": 2006, "errors": [...] } }`. */
function errorText(body: unknown): string | null {
  const error = (body as { error?: { message?: unknown; errors?: unknown } } | null)?.error;
  if (typeof error?.message !== 'string') return null;
  const more = Array.isArray(error.errors)
    ? error.errors.filter((e): e is string => typeof e === 'string')
    : [];
  return [error.message, ...more].join('; ').slice(0, 200);
}
