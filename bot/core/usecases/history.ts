/**
 * Past activations, a page at a time. People see their own; approvers and auditors see
 * everyone's. A refused look at someone else's history is itself audited.
 */
import type { Policy, RolePolicy } from '../domain/policy.ts';
import type { Principal, PrincipalRef } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import { cursorOf, type Page } from '../ports/request-store.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { actorEvent } from './record.ts';

export const HISTORY_PAGE = 20;
/** How many store pages one history page may read when a role filter thins them out. */
const MAX_SCANS = 10;

export interface HistoryQuery {
  readonly asker: Principal;
  /** Whose history: the asker's own (`me`), one person's, or everybody's. */
  readonly subject:
    | { readonly kind: 'me' }
    | { readonly kind: 'all' }
    | { readonly kind: 'user'; readonly principal: Principal };
  readonly roleId: string | null;
  readonly since: number | null;
  readonly before?: string;
}

export async function history(
  deps: CoreDeps,
  q: HistoryQuery,
): Promise<Result<Page<AccessRequest>, AppError>> {
  const own =
    q.subject.kind === 'me' || (q.subject.kind === 'user' && q.subject.principal.id === q.asker.id);
  if (!own && !(await deps.directory.isAnyOf(q.asker.id, overseers(deps.policy())))) {
    const subject = q.subject.kind === 'user' ? q.subject.principal : null;
    await deps.audit.append(
      actorEvent(
        deps.clock.now(),
        'history.refused',
        q.asker,
        { subject: q.subject.kind },
        subject,
      ),
    );
    return err(appError('history.not_allowed'));
  }
  const subjectId =
    q.subject.kind === 'me'
      ? q.asker.id
      : q.subject.kind === 'user'
        ? q.subject.principal.id
        : null;
  const read = (before: string | undefined) => {
    const query = {
      limit: HISTORY_PAGE,
      ...(before ? { before } : {}),
      ...(q.since === null ? {} : { since: q.since }),
    };
    if (subjectId) return deps.store.listByUser(subjectId, query);
    if (q.roleId) return deps.store.listByRole(q.roleId, query);
    return deps.store.listAll(query);
  };
  try {
    return ok(
      await collect(
        read,
        q.before,
        (r) => q.roleId === null || r.targets.some((t) => t.id === q.roleId),
      ),
    );
  } catch (error) {
    if (error instanceof RangeError) return err(appError('history.bad_cursor'));
    throw error;
  }
}

/** Reads store pages until a history page is full or the store runs out. */
async function collect(
  read: (before: string | undefined) => Promise<Page<AccessRequest>>,
  start: string | undefined,
  keep: (r: AccessRequest) => boolean,
): Promise<Page<AccessRequest>> {
  const items: AccessRequest[] = [];
  let before = start;
  for (let scan = 0; scan < MAX_SCANS && items.length < HISTORY_PAGE; scan++) {
    const page = await read(before);
    for (const r of page.items) {
      if (items.length === HISTORY_PAGE) break;
      if (keep(r)) items.push(r);
    }
    if (!page.next)
      return { items, next: items.length === HISTORY_PAGE ? positionOf(items) : null };
    before = page.next;
  }
  return { items, next: items.length === HISTORY_PAGE ? positionOf(items) : (before ?? null) };
}

const positionOf = (items: readonly AccessRequest[]): string | null => {
  const last = items.at(-1);
  return last ? cursorOf(last) : null;
};

/** Everyone who may see everybody's history: auditors and every approver of any role. */
export function overseers(policy: Policy): PrincipalRef[] {
  const approvers = (p: RolePolicy) => [...p.approval.approvers, ...p.approval.escalateTo];
  return [
    ...new Set([
      ...policy.auditors,
      ...approvers(policy.defaults),
      ...[...policy.roles.values()].flatMap((r) => approvers(r.policy)),
    ]),
  ];
}
