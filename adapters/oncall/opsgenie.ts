/**
 * Opsgenie: who is on call now in the given schedules, one
 * `GET /v2/schedules/{id}/on-calls?flat=true` per schedule (`data.onCallRecipients` are the
 * people's usernames, which are their emails). Auth: `Authorization: GenieKey …`.
 */
import type { OnCallSource } from '../../bot/core/domain/policy.ts';
import type { OnCallFact } from '../../bot/core/domain/request.ts';
import type { OnCallFailure } from '../../bot/core/ports/on-call.ts';
import { type GetOptions, getJson } from './http.ts';

export interface OpsgenieSettings {
  readonly token: string;
  /** Default https://api.opsgenie.com (https://api.eu.opsgenie.com for the EU instance). */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
}

interface OnCallsBody {
  readonly data?: {
    readonly _parent?: { readonly id?: unknown; readonly name?: unknown };
    readonly onCallRecipients?: unknown;
  };
}

export class OpsgenieOnCall {
  readonly #s: OpsgenieSettings;
  readonly #get: GetOptions;

  constructor(settings: OpsgenieSettings, sleep?: (ms: number) => Promise<void>) {
    this.#s = settings;
    this.#get = {
      label: 'Opsgenie',
      tokenVariable: 'OPSGENIE_TOKEN',
      timeoutMs: settings.timeoutMs ?? 5_000,
      retries: 2,
      maxWaitMs: 2_000,
      errorText,
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
    for (const source of sources.filter((s) => s.kind === 'schedule')) {
      const url = new URL(
        `/v2/schedules/${encodeURIComponent(source.id)}/on-calls`,
        this.#s.baseUrl,
      );
      url.searchParams.set('scheduleIdentifierType', 'id');
      url.searchParams.set('flat', 'true');
      url.searchParams.set('date', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      const got = await getJson(url, { authorization: `GenieKey ${this.#s.token}` }, this.#get);
      if (!got.ok)
        return { onCall: found, failure: { provider: 'opsgenie', message: got.message } };
      const data = (got.body as OnCallsBody | null)?.data;
      if (!data || !Array.isArray(data.onCallRecipients)) {
        const message = 'Opsgenie answered without onCallRecipients';
        return { onCall: found, failure: { provider: 'opsgenie', message } };
      }
      const people = data.onCallRecipients.filter((p): p is string => typeof p === 'string');
      if (!people.some((p) => p.trim().toLowerCase() === wanted)) continue;
      const name = typeof data._parent?.name === 'string' ? data._parent.name : undefined;
      found.push({ ...source, ...(name ? { name } : {}) });
    }
    return { onCall: found };
  }
}

/** Opsgenie's error body: `{ "message": "…", "took": 0.001, "requestId": "…" }`. */
function errorText(body: unknown): string | null {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message.slice(0, 200) : null;
}
