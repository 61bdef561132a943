/**
 * Entra PIM for directory roles through Graph: eligibility, PIM's own rules, and grants as
 * admin assignments with an expiry. A grant is recognised as ours by the request id in its
 * justification, so a POST retried after a lost response never grants twice.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { toIsoDuration } from '../../bot/core/domain/duration.ts';
import type { PimRules } from '../../bot/core/domain/policy.ts';
import type { RoleEntry, Target } from '../../bot/core/domain/target.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type {
  ActiveAssignment,
  Eligibility,
  GrantRequest,
  PrivilegeProvider,
} from '../../bot/core/ports/privilege-provider.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { failureOf, type GraphCallKind, refusal } from './errors.ts';
import { type PolicyRule, pimRules } from './rules.ts';
import { TtlCache } from './ttl-cache.ts';

const BASE = '/roleManagement/directory';
const q = (v: string) => `'${v.replace(/'/g, "''")}'`;

interface Instance {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  startDateTime: string;
  endDateTime: string | null;
  memberType?: string;
  assignmentType?: string;
}
interface ScheduleRequest {
  action: string;
  status: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  justification: string | null;
  scheduleInfo: { startDateTime?: string; expiration?: { duration?: string } } | null;
}

export class GraphPrivileges implements PrivilegeProvider {
  readonly #client: Client;
  readonly #roles: TtlCache<RoleEntry[]>;
  readonly #rules: TtlCache<PimRules>;
  readonly #groupEligibility: TtlCache<Instance[]>;

  constructor(client: Client, now: () => number = Date.now, roleTtlMs = 3_600_000) {
    this.#client = client;
    this.#roles = new TtlCache(roleTtlMs, now);
    this.#rules = new TtlCache(5 * 60_000, now);
    this.#groupEligibility = new TtlCache(60_000, now);
  }

  listRoles(): Promise<readonly RoleEntry[]> {
    return this.#roles.get('roles', async () => {
      const all = await this.#all<{ id: string; displayName: string; isEnabled?: boolean }>(
        `${BASE}/roleDefinitions`,
        'roles',
      );
      return all
        .filter((r) => r.isEnabled !== false)
        .map((r) => ({ kind: 'directoryRole', id: r.id, name: r.displayName, aliases: [] }));
    });
  }

  async eligibilities(principalId: string): Promise<readonly Eligibility[]> {
    const direct = await this.#all<Instance>(
      `${BASE}/roleEligibilityScheduleInstances`,
      'eligibility',
      `principalId eq ${q(principalId)}`,
    );
    const viaGroups = await this.#viaGroups(principalId);
    const roles = await this.listRoles();
    return [...direct, ...viaGroups].flatMap((i) => {
      const role = roles.find((r) => r.id === i.roleDefinitionId);
      if (!role) return [];
      const target: Target = {
        kind: 'directoryRole',
        id: role.id,
        name: role.name,
        scope: i.directoryScopeId,
      };
      return [{ target, endsAt: i.endDateTime ? Date.parse(i.endDateTime) : null }];
    });
  }

  rules(target: Target): Promise<PimRules> {
    return this.#rules.get(`${target.id}|${target.scope}`, async () => {
      const filter = `scopeId eq ${q(target.scope)} and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${q(target.id)}`;
      const found = (await this.#call('policy', () =>
        this.#client
          .api('/policies/roleManagementPolicyAssignments')
          .filter(filter)
          .expand('policy($expand=rules)')
          .get(),
      )) as { value: { policy?: { rules?: PolicyRule[] } }[] };
      return pimRules(found.value[0]?.policy?.rules ?? []);
    });
  }

  async activate(grant: GrantRequest): Promise<Result<{ readonly endsAt: number }, AppError>> {
    if (grant.target.kind !== 'directoryRole')
      return err(appError('graph.unsupported_target', { kind: grant.target.kind }));
    const body = {
      action: 'adminAssign',
      principalId: grant.principalId,
      roleDefinitionId: grant.target.id,
      directoryScopeId: grant.target.scope,
      justification: grant.justification,
      ...(grant.ticket
        ? { ticketInfo: { ticketNumber: grant.ticket, ticketSystem: 'elevate' } }
        : {}),
      scheduleInfo: {
        startDateTime: new Date(grant.startAt).toISOString(),
        expiration: { type: 'afterDuration', duration: toIsoDuration(grant.durationSeconds) },
      },
    };
    const sent = await this.#post(body, grant.target.name);
    if (sent.ok) return ok({ endsAt: grant.startAt + grant.durationSeconds * 1000 });
    if (sent.error === 'missing')
      return err(appError('grant.not_active', { role: grant.target.name }));
    if (sent.error !== 'exists') return err(sent.error);
    const ours = await this.#ourGrant(grant);
    return ours
      ? ok({ endsAt: ours })
      : err(appError('graph.already_active', { role: grant.target.name }));
  }

  async extend(
    grant: GrantRequest,
    endsAt: number,
  ): Promise<Result<{ readonly endsAt: number }, AppError>> {
    const sent = await this.#post(
      {
        action: 'adminExtend',
        principalId: grant.principalId,
        roleDefinitionId: grant.target.id,
        directoryScopeId: grant.target.scope,
        justification: grant.justification,
        scheduleInfo: {
          startDateTime: new Date(grant.startAt).toISOString(),
          expiration: {
            type: 'afterDuration',
            duration: toIsoDuration(Math.round((endsAt - grant.startAt) / 1000)),
          },
        },
      },
      grant.target.name,
    );
    if (sent.ok) return ok({ endsAt });
    return err(
      sent.error === 'exists' || sent.error === 'missing'
        ? appError('grant.not_active', { role: grant.target.name })
        : sent.error,
    );
  }

  async deactivate(principalId: string, target: Target): Promise<Result<void, AppError>> {
    const sent = await this.#post(
      {
        action: 'adminRemove',
        principalId,
        roleDefinitionId: target.id,
        directoryScopeId: target.scope,
      },
      target.name,
    );
    if (sent.ok || sent.error === 'missing') return ok(undefined);
    return sent.error === 'exists' ? ok(undefined) : err(sent.error);
  }

  async activeAssignments(principalId: string): Promise<readonly ActiveAssignment[]> {
    const live = await this.#all<Instance>(
      `${BASE}/roleAssignmentScheduleInstances`,
      'assignments',
      `principalId eq ${q(principalId)}`,
    );
    const roles = await this.listRoles();
    return live.map((i) => ({
      principalId: i.principalId,
      target: {
        kind: 'directoryRole',
        id: i.roleDefinitionId,
        name: roles.find((r) => r.id === i.roleDefinitionId)?.name ?? i.roleDefinitionId,
        scope: i.directoryScopeId,
      },
      startAt: Date.parse(i.startDateTime),
      endsAt: i.endDateTime ? Date.parse(i.endDateTime) : null,
      viaSchedule: i.assignmentType !== 'Assigned',
    }));
  }

  /** Everyone holding a directory role right now (for the too-many-admins alert). */
  async roleMembers(roleDefinitionId: string): Promise<{ id: string; displayName: string }[]> {
    const roles = await this.#all<{ id: string }>(
      '/directoryRoles',
      'roles',
      `roleTemplateId eq ${q(roleDefinitionId)}`,
    );
    const [role] = roles;
    return role
      ? this.#all<{ id: string; displayName: string }>(
          `/directoryRoles/${role.id}/members`,
          'roles',
        )
      : [];
  }

  async #post(
    body: Record<string, unknown>,
    role: string,
  ): Promise<{ ok: true } | { ok: false; error: AppError | 'exists' | 'missing' }> {
    try {
      await this.#client.api(`${BASE}/roleAssignmentScheduleRequests`).post(body);
      return { ok: true };
    } catch (error) {
      const failure = failureOf(error);
      if (failure.code === 'RoleAssignmentExists') return { ok: false, error: 'exists' };
      if (failure.code === 'RoleAssignmentDoesNotExist') return { ok: false, error: 'missing' };
      const refused = refusal(failure, 'activate', role);
      if (refused) return { ok: false, error: refused };
      throw error;
    }
  }

  /** The end of a live grant this request made earlier (its POST's response was lost), or null. */
  async #ourGrant(grant: GrantRequest): Promise<number | null> {
    const requests = await this.#all<ScheduleRequest>(
      `${BASE}/roleAssignmentScheduleRequests`,
      'assignments',
      `principalId eq ${q(grant.principalId)}`,
    );
    const mark = `elevate ${grant.requestId}`;
    const ours = requests.find(
      (r) =>
        r.action === 'adminAssign' &&
        r.roleDefinitionId === grant.target.id &&
        r.directoryScopeId === grant.target.scope &&
        (r.justification ?? '').includes(mark),
    );
    if (!ours) return null;
    const live = (await this.activeAssignments(grant.principalId)).find(
      (a) => a.target.id === grant.target.id && a.target.scope === grant.target.scope,
    );
    return live?.endsAt ?? null;
  }

  /** Eligibilities held through groups the user is in (transitively). */
  async #viaGroups(principalId: string): Promise<Instance[]> {
    const groupHeld = await this.#groupEligibility.get('all', async () =>
      (await this.#all<Instance>(`${BASE}/roleEligibilityScheduleInstances`, 'eligibility')).filter(
        (i) => i.memberType === 'Group',
      ),
    );
    const groups = [...new Set(groupHeld.map((i) => i.principalId))];
    const mine = new Set<string>();
    for (let i = 0; i < groups.length; i += 20) {
      const reply = (await this.#call('groups', () =>
        this.#client
          .api(`/users/${principalId}/checkMemberGroups`)
          .post({ groupIds: groups.slice(i, i + 20) }),
      )) as { value: string[] };
      for (const id of reply.value) mine.add(id);
    }
    return groupHeld.filter((i) => mine.has(i.principalId)).map((i) => ({ ...i, principalId }));
  }

  async #all<T>(path: string, kind: GraphCallKind, filter?: string): Promise<T[]> {
    const out: T[] = [];
    let page = (await this.#call(kind, () => {
      const request = this.#client.api(path);
      return (filter ? request.filter(filter) : request).get();
    })) as { value: T[]; '@odata.nextLink'?: string };
    out.push(...page.value);
    while (page['@odata.nextLink']) {
      const next = page['@odata.nextLink'];
      page = (await this.#call(kind, () => this.#client.api(next).get())) as typeof page;
      out.push(...page.value);
    }
    return out;
  }

  /** Reads: a refusal (403 and the like) is thrown as an Error carrying the catalogue message. */
  async #call<T>(kind: GraphCallKind, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const refused = refusal(failureOf(error), kind, kind);
      if (refused) throw new GraphRefusal(refused);
      throw error;
    }
  }
}

/** A read Graph refused; carries the catalogue error so adapters can show its message. */
export class GraphRefusal extends Error {
  readonly appError: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.appError = error;
  }
}
