/**
 * Delegated mode through Graph (DESIGN.md "Sign-in from chat"): PIM's selfActivate and
 * selfDeactivate for directory roles and PIM for Groups, each with the requester's own
 * delegated access token (RoleAssignmentSchedule.ReadWrite.Directory,
 * PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup). A Graph client is made per call around that one
 * token and dropped with it, so nothing caches it; it is never logged. PIM's refusals (its own
 * MFA, justification, ticket and duration rules, eligibility, a pending request) come back as
 * catalogue errors that tell the person what to do.
 */
import type { TokenCredential } from '@azure/identity';
import { toIsoDuration } from '../../bot/core/domain/duration.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type {
  DelegatedPrivileges,
  PimApproval,
  SelfActivationState,
} from '../../bot/core/ports/delegated-privileges.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { GrantRequest } from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { selfActivationState } from '../self-activation-state.ts';
import { createGraphClient, GRAPH_BASE_URL, type GraphClientOptions } from './client.ts';
import { failedRules, type GraphFailure, selfServiceRuleError } from './errors.ts';
import { ROLE_MANAGEMENT, type ScheduleRequest } from './graph-types.ts';
import { PIM_GROUPS } from './group-types.ts';
import { GraphReader, literal } from './reader.ts';

const REQUESTS = `${ROLE_MANAGEMENT}/roleAssignmentScheduleRequests`;
const GROUP_REQUESTS = `${PIM_GROUPS}/assignmentScheduleRequests`;
const APPROVALS = `${ROLE_MANAGEMENT}/roleAssignmentApprovals`;
/** The delegated permissions a person's token needs, per kind (Graph's resource id). */
export const DIRECTORY_SCOPE = `${GRAPH_BASE_URL}/RoleAssignmentSchedule.ReadWrite.Directory`;
export const GROUP_SCOPE = `${GRAPH_BASE_URL}/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup`;
const GRANTED = new Set(['Granted', 'Provisioned', 'PendingProvisioning', 'ScheduleCreated']);

/** Who and what a schedule request is about: a directory role, or a group's membership or ownership. */
const subject = (principalId: string, target: Target) =>
  target.kind === 'group'
    ? { principalId, groupId: target.id, accessId: target.access ?? 'member' }
    : { principalId, roleDefinitionId: target.id, directoryScopeId: target.scope };

export class GraphDelegated implements DelegatedPrivileges {
  readonly kinds: ReadonlySet<Target['kind']> = new Set(['directory_role', 'group']);
  readonly #baseUrl: string;
  readonly #options: GraphClientOptions;
  readonly #log: Logger | undefined;
  readonly #reads: GraphReader | undefined;

  /** `reads`: the app's own reader, to follow PIM's state of a self-activation. */
  constructor(
    baseUrl = GRAPH_BASE_URL,
    options: GraphClientOptions = {},
    log?: Logger,
    reads?: GraphReader,
  ) {
    this.#baseUrl = baseUrl;
    this.#options = options;
    this.#log = log;
    this.#reads = reads;
  }

  /**
   * PIM's state of the self-activation elevate request `requestId` made (its justification
   * starts with `elevate <id>`), read with the app's permission: a decision its approvers made
   * in the Entra portal rather than from chat.
   */
  async activationState(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<SelfActivationState, AppError>> {
    if (!this.#reads || target.kind !== 'directory_role') return ok({ state: 'unknown' });
    const requests = await this.#reads.list<ScheduleRequest>(REQUESTS, 'assignments', {
      filter: `principalId eq ${literal(principalId)} and roleDefinitionId eq ${literal(target.id)}`,
    });
    const mine = requests.filter(
      (r) =>
        r.action === 'selfActivate' && (r.justification ?? '').includes(`elevate ${requestId}`),
    );
    return ok(selfActivationState(mine));
  }

  scopeFor(kind: Target['kind']): string | null {
    return kind === 'directory_role' ? DIRECTORY_SCOPE : kind === 'group' ? GROUP_SCOPE : null;
  }

  async selfActivate(
    token: string,
    grant: GrantRequest,
  ): Promise<
    Result<{ readonly endsAt: number; readonly pendingApproval?: PimApproval }, AppError>
  > {
    const { target } = grant;
    if (!this.kinds.has(target.kind))
      return err(appError('delegated.kind_unavailable', { role: target.name, kind: target.kind }));
    const sent = await this.#send(token, target, {
      action: 'selfActivate',
      ...subject(grant.principalId, target),
      justification: grant.justification,
      ...(grant.ticket
        ? { ticketInfo: { ticketNumber: grant.ticket, ticketSystem: 'elevate' } }
        : {}),
      scheduleInfo: {
        startDateTime: new Date(grant.startAt).toISOString(),
        expiration: { type: 'afterDuration', duration: toIsoDuration(grant.durationSeconds) },
      },
    });
    if (!sent.ok) return err(this.#refused(sent.failure, target));
    const status = sent.request.status;
    const endsAt = grant.startAt + grant.durationSeconds * 1000;
    if (status === 'PendingApproval') {
      // Directory roles have Graph's approval API; for groups the approvers use the portal.
      if (target.kind === 'directory_role' && sent.request.approvalId)
        return ok({ endsAt, pendingApproval: { approvalId: sent.request.approvalId } });
      return err(appError('delegated.pim_approval_portal', { role: target.name }));
    }
    if (status !== undefined && !GRANTED.has(status))
      return err(appError('graph.not_granted', { role: target.name, status }));
    return ok({ endsAt });
  }

  /**
   * The approver's decision on PIM's approval, with their own token: the approval's step
   * assigned to them (`GET roleAssignmentApprovals/{id}`), then `PATCH …/steps/{stepId}`.
   */
  async reviewApproval(
    token: string,
    target: Target,
    approvalId: string,
    decision: 'approve' | 'deny',
    justification: string,
  ): Promise<Result<void, AppError>> {
    const role = target.name;
    if (target.kind !== 'directory_role')
      return err(appError('delegated.kind_unavailable', { role, kind: target.kind }));
    const reader = this.#reader(token);
    const path = `${APPROVALS}/${encodeURIComponent(approvalId)}`;
    try {
      const approval = (await reader.client.api(path).get()) as {
        steps?: { id: string; status?: string; assignedToMe?: boolean }[];
      };
      const step = approval.steps?.find((s) => s.assignedToMe && s.status !== 'Completed');
      if (!step) return err(appError('delegated.pim_not_approver', { role }));
      await reader.client.api(`${path}/steps/${encodeURIComponent(step.id)}`).patch({
        reviewResult: decision === 'approve' ? 'Approve' : 'Deny',
        justification,
      });
      return ok(undefined);
    } catch (error) {
      const f = reader.failureOrThrow(error);
      if (f.status === 403) return err(appError('delegated.pim_not_approver', { role }));
      if (f.status === 409)
        return err(
          appError('delegated.pim_already_reviewed', { id: approvalId, by: 'another approver' }),
        );
      return err(this.#refused(f, target));
    }
  }

  async selfDeactivate(
    token: string,
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    const sent = await this.#send(token, target, {
      action: 'selfDeactivate',
      ...subject(principalId, target),
      justification: `ended by elevate ${requestId}`,
    });
    if (sent.ok || sent.failure.code === 'RoleAssignmentDoesNotExist') return ok(undefined);
    return err(this.#refused(sent.failure, target));
  }

  #refused(f: GraphFailure, target: Target): AppError {
    const role = target.name;
    if (f.status === 403) return appError('delegated.refused', { role });
    if (f.code === 'PendingRoleAssignmentRequest' || /pending/i.test(f.code))
      return appError('delegated.pending_exists', { role });
    if (f.code === 'RoleAssignmentRequestPolicyValidationFailed')
      return selfServiceRuleError(failedRules(f.message), role);
    this.#log?.warn(
      { code: f.code, status: f.status, detail: f.message, role: target.id },
      'Entra refused a self-service PIM request',
    );
    return appError('graph.rejected', { role, code: f.code });
  }

  /** A client that only ever hands out this one token, for this one call. */
  #reader(token: string): GraphReader {
    const credential: TokenCredential = {
      getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60_000 }),
    };
    return new GraphReader(
      createGraphClient(credential, { ...this.#options, baseUrl: this.#baseUrl }),
      this.#baseUrl,
      this.#log,
    );
  }

  async #send(
    token: string,
    target: Target,
    body: Record<string, unknown>,
  ): Promise<{ ok: true; request: ScheduleRequest } | { ok: false; failure: GraphFailure }> {
    const reader = this.#reader(token);
    try {
      const path = target.kind === 'group' ? GROUP_REQUESTS : REQUESTS;
      return { ok: true, request: await reader.client.api(path).post(body) };
    } catch (error) {
      return { ok: false, failure: reader.failureOrThrow(error) };
    }
  }
}
