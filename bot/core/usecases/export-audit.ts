/**
 * The audit trail for auditors, as a stream of events (oldest first): a large range is read
 * page by page, never held in memory. Who exported what is itself audited.
 */
import type { AuditEvent } from '../domain/audit.ts';
import type { Principal } from '../domain/principal.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { actorEvent } from './record.ts';

const PAGE = 1_000;

export async function exportAudit(
  deps: CoreDeps,
  asker: Principal,
  since: number | null,
): Promise<Result<AsyncIterable<AuditEvent>, AppError>> {
  const now = deps.clock.now();
  if (!(await deps.directory.isAnyOf(asker.id, deps.policy().auditors))) {
    await deps.audit.append(actorEvent(now, 'history.refused', asker, { subject: 'export' }));
    return err(appError('export.not_allowed'));
  }
  await deps.audit.append(actorEvent(now, 'history.exported', asker, { since }));
  return ok(events(deps, since));
}

async function* events(deps: CoreDeps, since: number | null): AsyncGenerator<AuditEvent> {
  let afterSeq = 0;
  for (;;) {
    const page = await deps.audit.list({
      afterSeq,
      limit: PAGE,
      ...(since === null ? {} : { since }),
    });
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return;
    afterSeq = last.seq;
  }
}
