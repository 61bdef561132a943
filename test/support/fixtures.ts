/**
 * Valid domain objects for tests, with defaults a test overrides only where it cares: a
 * request from Alice for Exchange Administrator, waiting for one approval.
 */
import type { AuditAction, AuditEventInput } from '../../bot/core/domain/audit.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { auditEvent } from '../../bot/core/usecases/record.ts';
import { people, roles, target } from './tenant.ts';

export const FIXTURE_TIME = Date.UTC(2026, 10, 23, 9, 0, 0);

let made = 0;

/** Ids are `RFIX000001`, `RFIX000002`, … unless overridden, so two calls never collide. */
export function makeRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  made += 1;
  const createdAt = overrides.createdAt ?? FIXTURE_TIME;
  return {
    id: `RFIX${String(made).padStart(6, '0')}`,
    version: 1,
    state: 'pending_approval',
    platform: 'slack',
    requester: people.alice,
    targets: [target(roles.exchange)],
    durationSeconds: 2 * 3600,
    startAt: null,
    reason: 'fixing mail flow INC-4711',
    ticket: 'INC-4711',
    approval: {
      required: true,
      approvers: ['bob@contoso.com', 'carol@contoso.com'],
      quorum: 1,
      timeoutAt: createdAt + 3600_000,
      escalateTo: [],
      escalated: false,
      timeoutSeconds: 3600,
    },
    approvals: [],
    denial: null,
    canceledBy: null,
    createdAt,
    updatedAt: createdAt,
    activatedAt: null,
    endsAt: null,
    endedAt: null,
    endReason: null,
    failure: null,
    ...overrides,
  };
}

/** The event the core would record for `request` reaching its current state. */
export function makeEvent(
  request: AccessRequest,
  action: AuditAction = 'request.submitted',
  actor: Principal | null = request.requester,
): AuditEventInput {
  return auditEvent(request, action, actor, request.updatedAt);
}
