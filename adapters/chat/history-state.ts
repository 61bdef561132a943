/**
 * A history page's state on the wire: a Slack button's value (at most 2000 characters) or an
 * Adaptive Card action's data. Short keys keep it small. The client sends it back and may have
 * changed it, so it is checked with zod on the way in; it grants nothing, because the core
 * re-checks who may see what on every click. Lives here, not in bot/core, which imports no zod.
 */
import { z } from 'zod';
import {
  type HistoryPaging,
  type HistoryState,
  MAX_CURSORS,
} from '../../bot/core/usecases/history-paging.ts';

/** What the renderers put on the Previous / Next buttons. */
export interface EncodedPaging {
  readonly page: number;
  readonly previous: string | null;
  readonly next: string | null;
}

const Id = z.string().regex(/^[A-Za-z0-9._@-]{1,100}$/);
/** `<createdAt>:<request id>`, as the stores issue it; the store rejects anything else. */
const Cursor = z.string().regex(/^\d{1,15}:[A-Za-z0-9_-]{1,40}$/);

const Wire = z
  .object({
    v: z.literal(1),
    /** `me`, `all`, or `u:<directory id>`. */
    s: z.union([z.literal('me'), z.literal('all'), z.string().regex(/^u:/)]),
    r: Id.nullable(),
    t: z.number().int().nonnegative().nullable(),
    p: z.number().int().min(1).max(1_000_000),
    c: z.array(Cursor).max(MAX_CURSORS),
  })
  .strict()
  // Page 1 has no cursor; any later page has at least the one that reads it.
  .refine((w) => (w.p === 1) === (w.c.length === 0) && w.c.length < w.p)
  .refine((w) => w.s === 'me' || w.s === 'all' || Id.safeParse(w.s.slice(2)).success);

export function encodeHistoryState(state: HistoryState): string {
  const { subject } = state;
  const wire: z.infer<typeof Wire> = {
    v: 1,
    s: subject.kind === 'user' ? `u:${subject.id}` : subject.kind,
    r: state.roleId,
    t: state.since,
    p: state.page,
    c: [...state.cursors],
  };
  return JSON.stringify(wire);
}

/** The state a button carried, or null when it is not one we could have written. */
export function decodeHistoryState(raw: unknown): HistoryState | null {
  if (typeof raw !== 'string' || raw.length > 2000) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const wire = Wire.safeParse(json);
  if (!wire.success) return null;
  const { s, r, t, p, c } = wire.data;
  return {
    subject: s === 'me' || s === 'all' ? { kind: s } : { kind: 'user', id: s.slice(2) },
    roleId: r,
    since: t,
    page: p,
    cursors: c,
  };
}

export function encodePaging(paging: HistoryPaging): EncodedPaging {
  return {
    page: paging.page,
    previous: paging.previous && encodeHistoryState(paging.previous),
    next: paging.next && encodeHistoryState(paging.next),
  };
}
