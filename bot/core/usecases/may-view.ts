/**
 * Who may read a request: its requester, the people who may decide it (approvers and their
 * backups) and the auditors. A card carries the reason, the ticket and who asked, so a card
 * shown by request id (refresh, a refused click) is shown only to them; everyone else is told
 * that the request is not theirs to see.
 */
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { CoreDeps } from './deps.ts';

export async function mayView(
  deps: Pick<CoreDeps, 'directory' | 'policy'>,
  request: AccessRequest,
  who: Principal,
): Promise<boolean> {
  if (request.requester.id === who.id) return true;
  const readers = [
    ...request.approval.approvers,
    ...request.approval.escalateTo,
    ...deps.policy().auditors,
  ];
  return deps.directory.isAnyOf(who.id, [...new Set(readers)]);
}
