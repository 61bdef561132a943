/**
 * Delegated mode for Azure resource roles (DESIGN.md "Sign-in from chat"): PIM's SelfActivate
 * and SelfDeactivate through roleAssignmentScheduleRequests, each PUT made with the
 * requester's own delegated ARM token (`${ARM_BASE_URL}/user_impersonation`). An ARM client is
 * made per call around that one token and dropped with it; the token is never logged. The
 * app's own client only reads, with its read permission: the eligibility the activation links
 * to (`linkedRoleEligibilityScheduleId`), and the activation's start when ARM refuses to end
 * it within 5 minutes. ARM's refusals (PIM's eligibility, MFA, duration, justification and
 * ticket rules, its own approval, a pending request) come back in the catalogue's words, as
 * for Graph (adapters/graph/delegated.ts).
 *
 * Every PUT has a new name: a sign-in is one attempt, and a new one is a new request. A PUT
 * the client retries after a lost answer keeps its name, so ARM answers it once.
 */
import { randomUUID } from 'node:crypto';
import { toIsoDuration } from '../../bot/core/domain/duration.ts';
import { scopeCovers, type Target, targetLabel } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type {
  DelegatedPrivileges,
  PimApproval,
  SelfActivationState,
} from '../../bot/core/ports/delegated-privileges.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { GrantRequest } from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { failedRules, selfServiceRuleError } from '../graph/errors.ts';
import { selfActivationState } from '../self-activation-state.ts';
import { type ArmScheduleRequest, instanceFor, sameId, timeOf } from './arm-types.ts';
import { ArmClient, type ArmClientOptions } from './client.ts';
import type { ArmFailure } from './errors.ts';
import { endOf, GRANTED, MIN_ACTIVE_MS } from './grants.ts';
import { instancesAt } from './reads.ts';

/** ARM's approvals API is only in a preview api-version. */
const APPROVALS_API_VERSION = '2021-01-01-preview';

/** An approval's path: its full resource id as given, a bare GUID under the tenant root. */
const approvalPath = (approvalId: string): string =>
  approvalId.startsWith('/')
    ? approvalId
    : `/providers/Microsoft.Authorization/roleAssignmentApprovals/${encodeURIComponent(approvalId)}`;

export interface ArmDelegatedOptions {
  /** Retry and timeout settings of the per-call client (its base URL is the reading client's). */
  readonly client?: Omit<ArmClientOptions, 'baseUrl'>;
  readonly log?: Logger;
}

export class ArmDelegated implements DelegatedPrivileges {
  readonly kinds: ReadonlySet<Target['kind']> = new Set(['azure_role']);
  readonly #reads: ArmClient;
  readonly #options: ArmDelegatedOptions;

  /** `reads`: the app's own client (read permission only), which also names ARM's origin. */
  constructor(reads: ArmClient, options: ArmDelegatedOptions = {}) {
    this.#reads = reads;
    this.#options = options;
  }

  /** ARM's delegated permission: acting as the signed-in person. */
  scopeFor(kind: Target['kind']): string | null {
    return kind === 'azure_role' ? `${this.#reads.baseUrl}/user_impersonation` : null;
  }

  async selfActivate(
    token: string,
    grant: GrantRequest,
  ): Promise<
    Result<{ readonly endsAt: number; readonly pendingApproval?: PimApproval }, AppError>
  > {
    const { target } = grant;
    const role = targetLabel(target);
    if (!this.kinds.has(target.kind))
      return err(appError('delegated.kind_unavailable', { role: target.name, kind: target.kind }));
    const linked = await this.#eligibilityOf(grant.principalId, target);
    const sent = await this.#put(token, target, {
      principalId: grant.principalId,
      roleDefinitionId: target.id,
      requestType: 'SelfActivate',
      ...(linked ? { linkedRoleEligibilityScheduleId: linked } : {}),
      justification: grant.justification,
      ...(grant.ticket
        ? { ticketInfo: { ticketNumber: grant.ticket, ticketSystem: 'elevate' } }
        : {}),
      scheduleInfo: {
        startDateTime: new Date(grant.startAt).toISOString(),
        expiration: { type: 'AfterDuration', duration: toIsoDuration(grant.durationSeconds) },
      },
    });
    if (!sent.ok) return err(this.#refused(sent.failure, target));
    const status = sent.body.properties?.status;
    const endsAt = endOf(sent.body) ?? grant.startAt + grant.durationSeconds * 1000;
    const approvalId = sent.body.properties?.approvalId;
    if (status === 'PendingApproval')
      return approvalId
        ? ok({ endsAt, pendingApproval: { approvalId } })
        : err(appError('delegated.pim_approval_portal', { role }));
    if (status !== undefined && !GRANTED.has(status))
      return err(appError('graph.not_granted', { role, status }));
    return ok({ endsAt });
  }

  /**
   * The approver's decision on PIM's approval, with their own ARM token (roleAssignmentApprovals,
   * api-version 2021-01-01-preview): the stage assigned to them, then a PUT of its decision.
   * `approvalId` is what ARM gave with the PendingApproval request: its full resource id at the
   * request's scope (`{scope}/providers/Microsoft.Authorization/roleAssignmentApprovals/{guid}`)
   * is used as it is, a bare GUID at the tenant root (`/providers/…/roleAssignmentApprovals/{guid}`).
   */
  async reviewApproval(
    token: string,
    target: Target,
    approvalId: string,
    decision: 'approve' | 'deny',
    justification: string,
  ): Promise<Result<void, AppError>> {
    const role = targetLabel(target);
    if (!this.kinds.has(target.kind))
      return err(appError('delegated.kind_unavailable', { role: target.name, kind: target.kind }));
    const client = this.#as(token);
    const path = approvalPath(approvalId);
    const approval = await client.send<{
      properties?: {
        stages?: {
          name: string;
          properties?: { status?: string; assignedToMe?: boolean };
        }[];
      };
    }>('GET', this.#approvalUrl(path));
    if (!approval.ok) return err(this.#approvalRefused(approval.failure, role, approvalId));
    const stage = approval.body.properties?.stages?.find((st) => st.properties?.assignedToMe);
    if (!stage) return err(appError('delegated.pim_not_approver', { role }));
    if (stage.properties?.status === 'Completed')
      return err(
        appError('delegated.pim_already_reviewed', { id: approvalId, by: 'another approver' }),
      );
    const decided = await client.send(
      'PUT',
      this.#approvalUrl(`${path}/stages/${encodeURIComponent(stage.name)}`),
      { properties: { reviewResult: decision === 'approve' ? 'Approve' : 'Deny', justification } },
    );
    return decided.ok
      ? ok(undefined)
      : err(this.#approvalRefused(decided.failure, role, approvalId));
  }

  /**
   * PIM's state of the self-activation elevate request `requestId` made (its justification
   * starts with `elevate <id>`), read with the app's permission: a decision PIM's approvers
   * made in the Azure portal rather than from chat.
   */
  async activationState(
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<SelfActivationState, AppError>> {
    const url = this.#reads.url(target.scope, 'roleAssignmentScheduleRequests');
    url.searchParams.set('$filter', `principalId eq '${principalId}'`);
    const listed = await this.#reads.send<{ value?: ArmScheduleRequest[] }>('GET', url);
    if (!listed.ok) return ok({ state: 'unknown' });
    const mine = (listed.body.value ?? []).filter(
      (r) =>
        r.properties.requestType === 'SelfActivate' &&
        sameId(r.properties.roleDefinitionId ?? '', target.id) &&
        (r.properties.justification ?? '').includes(`elevate ${requestId}`),
    );
    const pim = selfActivationState(mine.map((r) => r.properties));
    if (pim.state !== 'granted') return ok(pim);
    const endsAt = await this.#liveEnd(principalId, target);
    return ok(endsAt === null ? pim : { ...pim, endsAt });
  }

  /** When the live activation ends, as ARM's instance says (its clock ran from the approval). */
  async #liveEnd(principalId: string, target: Target): Promise<number | null> {
    try {
      const live = instanceFor(
        await instancesAt(
          this.#reads,
          [target.scope],
          'roleAssignmentScheduleInstances',
          principalId,
        ),
        target,
      );
      return timeOf(live?.properties.endDateTime);
    } catch {
      return null;
    }
  }

  #approvalUrl(path: string): URL {
    const url = new URL(`${this.#reads.baseUrl}${path}`);
    url.searchParams.set('api-version', APPROVALS_API_VERSION);
    return url;
  }

  #approvalRefused(f: ArmFailure, role: string, approvalId: string): AppError {
    if (f.status === 401 || f.status === 403)
      return appError('delegated.pim_not_approver', { role });
    if (f.status === 409)
      return appError('delegated.pim_already_reviewed', { id: approvalId, by: 'another approver' });
    return appError('arm.rejected', { role, code: f.code });
  }

  async selfDeactivate(
    token: string,
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    const sent = await this.#put(token, target, {
      principalId,
      roleDefinitionId: target.id,
      requestType: 'SelfDeactivate',
      justification: `ended by elevate ${requestId}`,
    });
    if (sent.ok || sent.failure.code === 'RoleAssignmentDoesNotExist') return ok(undefined);
    if (sent.failure.code === 'ActiveDurationTooShort') {
      const after = await this.#removableAt(principalId, target);
      return err(appError('delegated.too_soon_to_end', { role: targetLabel(target), after }));
    }
    return err(this.#refused(sent.failure, target));
  }

  #refused(f: ArmFailure, target: Target): AppError {
    const role = targetLabel(target);
    // 401: a token for another API or tenant; 403: not this person's own, or not consented.
    if (f.status === 401 || f.status === 403) return appError('delegated.refused', { role });
    if (/pending/i.test(f.code)) return appError('delegated.pending_exists', { role });
    if (f.code === 'RoleAssignmentRequestPolicyValidationFailed')
      return selfServiceRuleError(failedRules(f.message), role);
    if (f.code === 'RoleAssignmentExists') return appError('graph.already_active', { role });
    if (f.status === 404) return appError('arm.not_found', { what: `\`${target.scope}\`` });
    this.#options.log?.warn(
      { code: f.code, status: f.status, detail: f.message, role: target.id, scope: target.scope },
      'Azure refused a self-service PIM request',
    );
    return appError('arm.rejected', { role, code: f.code });
  }

  /**
   * The eligibility schedule the activation draws on (held directly or through a group), read
   * with the app's permission; null when it cannot be read, and PIM then finds it itself.
   */
  async #eligibilityOf(principalId: string, target: Target): Promise<string | null> {
    try {
      const held = await instancesAt(
        this.#reads,
        [target.scope],
        'roleEligibilityScheduleInstances',
        principalId,
      );
      const covering = held.find(
        (i) =>
          sameId(i.properties.roleDefinitionId, target.id) &&
          scopeCovers(i.properties.scope, target.scope),
      );
      return covering?.properties.roleEligibilityScheduleId ?? null;
    } catch (error) {
      this.#options.log?.warn(
        { err: error instanceof Error ? error.message : String(error), role: target.id },
        'could not read the eligibility to link a self-activation to; PIM finds it itself',
      );
      return null;
    }
  }

  /** When ARM lets the live activation be ended (5 minutes after its start), if it can be read. */
  async #removableAt(principalId: string, target: Target): Promise<number | null> {
    try {
      const live = instanceFor(
        await instancesAt(
          this.#reads,
          [target.scope],
          'roleAssignmentScheduleInstances',
          principalId,
        ),
        target,
      );
      const start = timeOf(live?.properties.startDateTime);
      return start === null ? null : start + MIN_ACTIVE_MS;
    } catch {
      return null;
    }
  }

  /** A client whose credential only ever hands out this one token, for this one call. */
  #as(token: string): ArmClient {
    return new ArmClient(
      { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60_000 }) },
      { ...this.#options.client, baseUrl: this.#reads.baseUrl },
    );
  }

  #put(token: string, target: Target, properties: Record<string, unknown>) {
    const client = this.#as(token);
    return client.send<ArmScheduleRequest>(
      'PUT',
      client.url(target.scope, 'roleAssignmentScheduleRequests', randomUUID()),
      { properties },
    );
  }
}
