/**
 * Teams has no file upload for bots outside 1:1 consent flows, so the audit export is a link
 * the bot serves: `GET /export/audit.csv?t=<token>`. The token names the auditor and the
 * range, expires after 15 minutes, works once, and is signed with HMAC-SHA256 under a key
 * every replica shares (kept in Redis, made on first use). Following the link checks again
 * that the person may export, and streams the CSV.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { UsedLinks } from '../../bot/core/ports/used-links.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { exportAudit } from '../../bot/core/usecases/export-audit.ts';
import { json } from '../http/route.ts';
import { auditCsv } from './audit-csv.ts';

export const EXPORT_PATH = '/export/audit.csv';
export const LINK_MINUTES = 15;
const LIFETIME_MS = LINK_MINUTES * 60_000;

const Claims = z.object({
  a: z.string().min(1).max(200),
  s: z.number().int().nonnegative().nullable(),
  e: z.number().int().positive(),
  n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});
type Claims = z.infer<typeof Claims>;

export interface ExportLinkOptions {
  readonly baseUrl: string;
  /** The signing key, the same on every replica. */
  readonly key: () => Promise<Buffer>;
  /** Remembers used tokens so each works once. */
  readonly used: UsedLinks;
  readonly now?: () => number;
}

export type LinkCheck =
  | { readonly ok: true; readonly principalId: string; readonly since: number | null }
  | { readonly ok: false; readonly status: 403 | 410; readonly why: string };

export class ExportLinks {
  readonly #o: ExportLinkOptions;
  readonly #now: () => number;

  constructor(options: ExportLinkOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async create(principalId: string, since: number | null): Promise<string> {
    const claims: Claims = {
      a: principalId,
      s: since,
      e: this.#now() + LIFETIME_MS,
      n: randomBytes(16).toString('base64url'),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${this.#o.baseUrl}${EXPORT_PATH}?t=${body}.${await this.#sign(body)}`;
  }

  /** `consume: false` (a HEAD, a link preview) checks the link without using it up. */
  async check(token: string, { consume = true } = {}): Promise<LinkCheck> {
    const [body = '', signature = ''] = token.split('.');
    const expected = Buffer.from(await this.#sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return {
        ok: false,
        status: 403,
        why: 'This export link is not valid. Ask the bot for a new one.',
      };
    const claims = Claims.safeParse(parseJson(Buffer.from(body, 'base64url').toString('utf8')));
    if (!claims.success)
      return {
        ok: false,
        status: 403,
        why: 'This export link is not valid. Ask the bot for a new one.',
      };
    const { a, s, e, n } = claims.data;
    if (e <= this.#now())
      return {
        ok: false,
        status: 410,
        why: 'This export link has expired. Ask the bot for a new one (`/elevate export`).',
      };
    if (consume && !(await this.#o.used.use(n, Math.ceil(LIFETIME_MS / 1000))))
      return {
        ok: false,
        status: 410,
        why: 'This export link was used already. Ask the bot for a new one (`/elevate export`).',
      };
    return { ok: true, principalId: a, since: s };
  }

  async #sign(body: string): Promise<string> {
    return createHmac('sha256', await this.#o.key())
      .update(body)
      .digest('base64url');
  }
}

/** `GET /export/audit.csv`: checks the link, then the person, then streams the CSV. */
export function exportLinkRoute(links: ExportLinks, core: () => CoreDeps | null) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('t') ?? '';
    // A HEAD (link previews, safe-links scanners) must not spend the one use.
    const head = req.method === 'HEAD';
    const checked = await links.check(token, { consume: !head });
    if (!checked.ok) return json(res, checked.status, { error: checked.why });
    const deps = core();
    const who = deps ? await deps.directory.findUser(checked.principalId) : null;
    if (!deps || !who)
      return json(res, 403, {
        error: 'The person this link was made for is not in the directory any more.',
      });
    if (head) {
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'cache-control': 'no-store',
      });
      return void res.end();
    }
    const events = await exportAudit(deps, who, checked.since);
    if (!events.ok) return json(res, 403, { error: events.error.message });
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="elevate-audit.csv"',
      'cache-control': 'no-store',
    });
    await pipeline(auditCsv(events.value), res);
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
