/**
 * The console's HTTP side: the page and its script, Microsoft's Adaptive Cards renderer,
 * the feeds, commands typed as one of the simulated people, and card actions. Anyone who can
 * reach it can act as anyone in the simulated tenant, so the sandbox listens on localhost only.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Principal } from '../../bot/core/domain/principal.ts';
import { handleCommand } from '../../bot/core/usecases/chat-command.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { exportAudit } from '../../bot/core/usecases/export-audit.ts';
import { overseers } from '../../bot/core/usecases/history.ts';
import { consoleExportCard } from '../../cards/teams/index.ts';
import { runCardAction } from '../chat/adaptive/card-actions.ts';
import type { AdaptiveCards } from '../chat/adaptive/cards.ts';
import { renderCardReply } from '../chat/adaptive/replies.ts';
import { auditCsv } from '../chat/audit-csv.ts';
import { SANDBOX_PEOPLE } from '../entra-sim/sandbox-world.ts';
import { type Handler, json } from '../http/route.ts';
import type { Feed, FeedName } from './feed.ts';
import { sandboxMentions } from './mentions.ts';

const WEB = join(dirname(fileURLToPath(import.meta.url)), 'web');
const RENDERER = join(
  dirname(createRequire(import.meta.url).resolve('adaptivecards/package.json')),
  'dist',
  'adaptivecards.min.js',
);
/** The Teams app's colour icon doubles as the console's favicon (browsers take a PNG). */
const ICON = join(dirname(fileURLToPath(import.meta.url)), '../../manifest/teams/color.png');
const BODY_LIMIT = 16 * 1024;

const Command = z.object({ as: z.string().min(1), text: z.string().max(4000) });
const Action = z.object({
  as: z.string().min(1),
  /** The feed item clicked; 0 for a card outside the feeds (the history panel). */
  itemId: z.number().int().nonnegative(),
  verb: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()).default({}),
});

export interface ConsoleContext {
  readonly feed: Feed;
  readonly cards: AdaptiveCards;
  /** Set once the core is running. */
  readonly core: () => CoreDeps | null;
  /** Shown across the top of the page (e.g. "no Redis: state is kept in memory"). */
  readonly banner: string | null;
}

export function consoleRoutes(c: ConsoleContext): Map<string, Handler> {
  return new Map<string, Handler>([
    ['GET /', staticFile('index.html', 'text/html; charset=utf-8')],
    ['GET /console.js', staticFile('console.js', 'text/javascript; charset=utf-8')],
    ['GET /console.css', staticFile('console.css', 'text/css; charset=utf-8')],
    ['GET /favicon.ico', file(ICON, 'image/png')],
    ['GET /vendor/adaptivecards.js', file(RENDERER, 'text/javascript; charset=utf-8')],
    ['GET /api/state', (req, res) => state(c, req, res)],
    ['GET /api/events', (req, res) => events(c, req, res)],
    ['POST /api/command', (req, res) => command(c, req, res)],
    ['POST /api/action', (req, res) => action(c, req, res)],
    ['GET /api/history', (req, res) => historyPanel(c, req, res)],
    ['GET /api/export.csv', (req, res) => exportCsv(c, req, res)],
  ]);
}

function state(c: ConsoleContext, req: IncomingMessage, res: ServerResponse): void {
  const as = new URL(req.url ?? '/', 'http://localhost').searchParams.get('as') ?? '';
  const view = (name: FeedName) => c.feed.read(name);
  json(res, 200, {
    banner: c.banner,
    version: c.feed.version,
    people: SANDBOX_PEOPLE,
    feeds: { security: view('security'), approvals: view('approvals'), chat: view(`chat:${as}`) },
  });
}

function events(c: ConsoleContext, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(`data: ${c.feed.version}\n\n`);
  const stop = c.feed.listen((version) => res.write(`data: ${version}\n\n`));
  req.once('close', stop);
}

async function command(c: ConsoleContext, req: IncomingMessage, res: ServerResponse) {
  const body = Command.safeParse(await readJson(req));
  if (!body.success)
    return json(res, 400, { error: 'send { as: <person id>, text: "/elevate …" }' });
  const core = c.core();
  const who = await person(core, body.data.as);
  if (!core || !who) return json(res, 400, { error: 'pick one of the sandbox people first' });
  const chat = `chat:${who.id}` as const;
  const text = body.data.text.trim().replace(/^\/elevate\b\s*/i, '');
  c.feed.add({ feed: chat, at: core.clock.now(), said: body.data.text.trim() });
  const asker = { principal: who, platform: 'sandbox' as const };
  const resolveMention = sandboxMentions(core.directory);
  const reply = await handleCommand(core, { ...asker, resolveMention }, text);
  const card =
    reply.kind === 'export'
      ? consoleExportCard(
          `/api/export.csv?as=${encodeURIComponent(who.id)}${reply.since === null ? '' : `&since=${reply.since}`}`,
        )
      : await renderCardReply(reply, c.cards);
  const item = c.feed.add({ feed: chat, at: core.clock.now(), card });
  json(res, 200, { item });
}

async function action(c: ConsoleContext, req: IncomingMessage, res: ServerResponse) {
  const body = Action.safeParse(await readJson(req));
  if (!body.success) return json(res, 400, { error: 'send { as, itemId, verb, data }' });
  const core = c.core();
  const who = await person(core, body.data.as);
  if (!core || !who) return json(res, 400, { error: 'pick one of the sandbox people first' });
  const card = await runCardAction(core, c.cards, who, 'sandbox', body.data);
  if (body.data.itemId > 0) c.feed.replace(body.data.itemId, card);
  json(res, 200, { card });
}

/** The history panel: everybody's for approvers and auditors, otherwise the person's own. */
async function historyPanel(c: ConsoleContext, req: IncomingMessage, res: ServerResponse) {
  const as = new URL(req.url ?? '/', 'http://localhost').searchParams.get('as') ?? '';
  const core = c.core();
  const who = await person(core, as);
  if (!core || !who) return json(res, 400, { error: 'pick one of the sandbox people first' });
  const everyone = await core.directory.isAnyOf(who.id, overseers(core.policy()));
  const reply = await handleCommand(
    core,
    { principal: who, platform: 'sandbox' },
    everyone ? 'history all' : 'history',
  );
  json(res, 200, {
    scope: everyone ? 'everyone’s' : 'your own',
    card: await renderCardReply(reply, c.cards),
  });
}

async function exportCsv(c: ConsoleContext, req: IncomingMessage, res: ServerResponse) {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const core = c.core();
  const who = await person(core, query.get('as') ?? '');
  if (!core || !who) return json(res, 400, { error: 'pick one of the sandbox people first' });
  const since = Number(query.get('since'));
  const events = await exportAudit(core, who, Number.isFinite(since) && since > 0 ? since : null);
  if (!events.ok) return json(res, 403, { error: events.error.message });
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="elevate-audit.csv"',
  });
  await pipeline(auditCsv(events.value), res);
}

async function person(core: CoreDeps | null, id: string): Promise<Principal | null> {
  if (!core || !SANDBOX_PEOPLE.some((p) => p.id === id)) return null;
  return core.directory.findUser(id);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

const staticFile = (name: string, type: string): Handler => file(join(WEB, name), type);

function file(path: string, type: string): Handler {
  let body: Buffer | null = null;
  return (_req, res) => {
    body ??= readFileSync(path);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(body);
  };
}
