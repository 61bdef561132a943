/**
 * One typed `/elevate …` command, from either chat platform, turned into an answer. The
 * adapter has already established who is asking (platform identity → Entra user); this
 * decides what happens and returns data for the adapter to render.
 */
import type { HistoryWho, RequestCommand, TargetSpec } from '../commands/command.ts';
import { parseCommand, parseWithoutContext } from '../commands/parse.ts';
import type { AuditEvent } from '../domain/audit.ts';
import type { Principal } from '../domain/principal.ts';
import { type AccessRequest, grantedTargets, type Platform } from '../domain/request.ts';
import type { Review } from '../domain/review.ts';
import { type AppError, appError } from '../errors.ts';
import { type BreakglassPlan, breakglass, planBreakglass } from './breakglass.ts';
import { cancel } from './cancel.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { exportAudit } from './export-audit.ts';
import { extend } from './extend.ts';
import { type HistoryQuery, history, overseers } from './history.ts';
import { firstState, type HistoryReply, pagingOf } from './history-paging.ts';
import { eligibleRoles, openRequests, type RoleRow, roleCatalogue } from './queries.ts';
import { specMatches } from './resolve-targets.ts';
import { openReviewsFor, reviewHistory } from './reviews.ts';
import { submit } from './submit.ts';
import { type WhocanAnswer, whocan } from './whocan.ts';

export type Reply =
  | { readonly kind: 'error'; readonly error: AppError }
  | { readonly kind: 'help' }
  | { readonly kind: 'roles'; readonly rows: readonly RoleRow[] }
  | { readonly kind: 'status'; readonly requests: readonly AccessRequest[] }
  | { readonly kind: 'form'; readonly command: RequestCommand; readonly roles: readonly RoleRow[] }
  | { readonly kind: 'submitted'; readonly request: AccessRequest }
  | { readonly kind: 'canceled'; readonly request: AccessRequest }
  | { readonly kind: 'deactivated'; readonly request: AccessRequest }
  | HistoryReply
  | { readonly kind: 'extended'; readonly request: AccessRequest }
  | { readonly kind: 'whocan'; readonly answer: WhocanAnswer }
  /** Break-glass checked: the asker confirms before anything is granted. */
  | { readonly kind: 'breakglass_confirm'; readonly plan: BreakglassPlan }
  /** Break-glass confirmed: activating now, without approval. */
  | { readonly kind: 'breakglass_started'; readonly request: AccessRequest }
  /** Eligibility reviews: the asker's open ones (with Keep / Remove), or recent results. */
  | {
      readonly kind: 'reviews';
      readonly what: 'open' | 'history';
      readonly reviews: readonly Review[];
    }
  | {
      readonly kind: 'export';
      readonly events: AsyncIterable<AuditEvent>;
      readonly since: number | null;
    };

export interface Asker {
  readonly principal: Principal;
  readonly platform: Platform;
  /** The asker's own zone when the platform tells it; otherwise the policy's. */
  readonly timezone?: string;
  /** Turns a platform mention (`<@U123>`, `@alice`) into a directory user, for history. */
  readonly resolveMention?: (mention: string) => Promise<Mentioned>;
}

/** The person a mention names, or the closest people (`@jane (Jane Doe)`) when nobody. */
export type Mentioned =
  | { readonly principal: Principal }
  | { readonly principal: null; readonly closest: readonly string[] };

/**
 * The reply to text that reads nothing (help, an empty or too long command): a platform gives
 * it in the acknowledgement itself, before knowing who asked. Null for every other command.
 */
export function immediateReply(text: string): Reply | null {
  const parsed = parseWithoutContext(text);
  if (parsed === null) return null;
  return parsed.ok ? { kind: 'help' } : { kind: 'error', error: parsed.error };
}

export async function handleCommand(deps: CoreDeps, asker: Asker, text: string): Promise<Reply> {
  const parsed = parseCommand(text, {
    roles: await roleCatalogue(deps),
    now: deps.clock.now(),
    timezone: asker.timezone ?? deps.policy().timezone,
  });
  if (!parsed.ok) return { kind: 'error', error: parsed.error };
  const command = parsed.value;
  switch (command.kind) {
    case 'help':
      return { kind: 'help' };
    case 'roles':
      return { kind: 'roles', rows: await eligibleRoles(deps, asker.principal) };
    case 'status':
      return { kind: 'status', requests: await openRequests(deps, asker.principal) };
    case 'request':
      return request(deps, asker, command);
    case 'cancel': {
      const result = await cancel(deps, command.requestId, asker.principal);
      return result.ok
        ? { kind: 'canceled', request: result.value }
        : { kind: 'error', error: result.error };
    }
    case 'deactivate':
      return deactivate(deps, asker, command.requestId, command.target);
    case 'history':
      return showHistory(deps, asker, command.who, command.role?.id ?? null, command.since);
    case 'extend': {
      const result = await extend(
        deps,
        command.requestId,
        asker.principal,
        command.durationSeconds,
      );
      return result.ok
        ? { kind: 'extended', request: result.value }
        : { kind: 'error', error: result.error };
    }
    case 'export': {
      const events = await exportAudit(deps, asker.principal, command.since);
      return events.ok
        ? { kind: 'export', events: events.value, since: command.since }
        : { kind: 'error', error: events.error };
    }
    case 'breakglass': {
      const input = { requester: asker.principal, platform: asker.platform, text: command.text };
      if (!command.confirmed) {
        const plan = await planBreakglass(deps, input);
        return plan.ok
          ? { kind: 'breakglass_confirm', plan: plan.value }
          : { kind: 'error', error: plan.error };
      }
      const started = await breakglass(deps, input);
      return started.ok
        ? { kind: 'breakglass_started', request: started.value }
        : { kind: 'error', error: started.error };
    }
    case 'review': {
      const found =
        command.what === 'open'
          ? await openReviewsFor(deps, asker.principal)
          : await reviewHistory(deps, asker.principal, overseers(deps.policy()));
      return found.ok
        ? { kind: 'reviews', what: command.what, reviews: found.value }
        : { kind: 'error', error: found.error };
    }
    case 'whocan': {
      const answer = await whocan(deps, asker.principal, command.target);
      return answer.ok
        ? { kind: 'whocan', answer: answer.value }
        : { kind: 'error', error: answer.error };
    }
  }
}

async function request(deps: CoreDeps, asker: Asker, command: RequestCommand): Promise<Reply> {
  if (command.missing.length > 0) {
    return { kind: 'form', command, roles: await eligibleRoles(deps, asker.principal) };
  }
  const result = await submit(deps, {
    requester: asker.principal,
    platform: asker.platform,
    targets: command.targets,
    scope: command.scope,
    durationSeconds: command.durationSeconds,
    startAt: command.startAt,
    ticket: command.ticket,
    reason: command.reason,
  });
  return result.ok
    ? { kind: 'submitted', request: result.value }
    : { kind: 'error', error: result.error };
}

async function showHistory(
  deps: CoreDeps,
  asker: Asker,
  who: HistoryWho,
  roleId: string | null,
  since: number | null,
): Promise<Reply> {
  let subject: HistoryQuery['subject'];
  if (who.kind === 'user') {
    const found = (await asker.resolveMention?.(who.mention)) ?? { principal: null, closest: [] };
    if (!found.principal) {
      const closest = found.closest;
      return {
        kind: 'error',
        error: appError('history.unknown_user', { mention: who.mention, closest }),
      };
    }
    subject = { kind: 'user', principal: found.principal };
  } else {
    subject = who;
  }
  const query: HistoryQuery = { asker: asker.principal, subject, roleId, since };
  const page = await history(deps, query);
  return page.ok
    ? {
        kind: 'history',
        page: page.value,
        query,
        paging: pagingOf(firstState(query), page.value.next),
      }
    : { kind: 'error', error: page.error };
}

/** By request id, by role, or the only active grant when nothing is named. */
async function deactivate(
  deps: CoreDeps,
  asker: Asker,
  requestId: string | null,
  target: TargetSpec | null,
): Promise<Reply> {
  const active = (await openRequests(deps, asker.principal)).filter((r) => r.state === 'active');
  const chosen = requestId
    ? [{ id: requestId }]
    : active.filter(
        (r) => target === null || grantedTargets(r).some((t) => specMatches(target, t)),
      );
  const [only] = chosen;
  if (!only) return { kind: 'error', error: appError('request.nothing_active') };
  if (chosen.length > 1) {
    return {
      kind: 'error',
      error: appError('request.which_one', { ids: chosen.map((c) => c.id) }),
    };
  }
  const result = await end(deps, only.id, 'deactivated', asker.principal);
  return result.ok
    ? { kind: 'deactivated', request: result.value }
    : { kind: 'error', error: result.error };
}
