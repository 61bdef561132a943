/**
 * Read-only questions people ask the bot: which roles can I activate, what is open, what
 * happened. Answers are data; each chat adapter renders them its own way.
 */
import { effectivePolicy, mfaDemand, targetPolicy } from '../domain/effective-policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest, RequestState } from '../domain/request.ts';
import type { RoleEntry, Target, TargetKind } from '../domain/target.ts';
import type { CoreDeps } from './deps.ts';

export interface RoleRow {
  readonly kind: TargetKind;
  readonly name: string;
  readonly scope: string;
  /** How to ask for it: `Exchange Administrator`, `group Payments Oncall owner`, `Contributor on rg-payments`. */
  readonly typed: string;
  readonly maxDuration: number;
  readonly approval: boolean;
  readonly quorum: number;
  readonly eligibleUntil: number | null;
  /** The role asks the requester for an MFA sign-in. */
  readonly needsMfa: boolean;
  /** Whether that sign-in can be done from chat here; without, requests for it are refused. */
  readonly mfaFromChat?: boolean;
}

/** The tenant's roles with the aliases policy.yaml gives them: what names are matched against. */
export async function roleCatalogue(deps: CoreDeps): Promise<RoleEntry[]> {
  const roles = await deps.privileges.listRoles();
  const policy = deps.policy();
  const aliases = new Map([...policy.roles].map(([name, o]) => [name.toLowerCase(), o.aliases]));
  return roles.map((r) => ({
    ...r,
    aliases: [...r.aliases, ...(aliases.get(r.name.toLowerCase()) ?? [])],
  }));
}

export async function eligibleRoles(deps: CoreDeps, who: Principal): Promise<RoleRow[]> {
  const eligible = await deps.privileges.eligibilities(who.id);
  const rows = await Promise.all(
    eligible.map(async (e) => {
      const local = targetPolicy(deps.policy(), e.target);
      const pim = await deps.privileges.rules(e.target);
      const p = effectivePolicy(local, pim);
      return {
        kind: e.target.kind,
        name: e.target.name,
        scope: e.target.scope,
        typed: typedAs(e.target),
        maxDuration: p.maxDuration,
        approval: p.approval.required,
        quorum: p.approval.required ? p.approval.quorum : 0,
        eligibleUntil: e.endsAt,
        needsMfa: mfaDemand(local, pim) !== null,
        mfaFromChat: deps.signIn !== undefined,
      };
    }),
  );
  return rows.sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.typed.localeCompare(b.typed),
  );
}

const KIND_ORDER: Readonly<Record<TargetKind, number>> = {
  directory_role: 0,
  group: 1,
  azure_role: 2,
};

/** The text that asks for `target` in a request (bot/core/commands/role-list.ts reads it back). */
export function typedAs(target: Target): string {
  if (target.kind === 'group')
    return `group ${target.name}${target.access === 'owner' ? ' owner' : ''}`;
  if (target.kind === 'azure_role') return `${target.name} on ${target.scopeName ?? target.scope}`;
  return target.name;
}

export const OPEN_STATES: readonly RequestState[] = [
  'pending_approval',
  'approved',
  'scheduled',
  'awaiting_mfa',
  'activating',
  'active',
];

/** The person's requests that are not over yet, newest first. Open requests are few tenant-wide. */
export async function openRequests(deps: CoreDeps, who: Principal): Promise<AccessRequest[]> {
  const open = await deps.store.listInStates(OPEN_STATES);
  return open.filter((r) => r.requester.id === who.id).sort((a, b) => b.createdAt - a.createdAt);
}
