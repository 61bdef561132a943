/**
 * What a user asked for, after parsing `/elevate …` (same grammar in Slack and Teams).
 * `formatCommand` writes the canonical text for a command: parsing it back, with the same role
 * catalogue, gives the same command.
 */
import { formatDuration } from '../domain/duration.ts';
import { DIRECTORY_SCOPE, type GroupAccess, type RoleEntry } from '../domain/target.ts';
import { formatInstant } from './instant.ts';

export interface ParseContext {
  readonly roles: readonly RoleEntry[];
  /** Epoch milliseconds. */
  readonly now: number;
  /** IANA zone that wall-clock times and dates without an offset are read in. */
  readonly timezone: string;
}

export type MissingPart = 'role' | 'duration' | 'reason';

/**
 * One target as typed, before it is looked up among the person's eligibilities (submit does
 * that): a directory role from the catalogue, a PIM group by name (`group Payments Oncall
 * owner`), an Azure role at a scope (`Contributor on rg-payments`).
 */
export type TargetSpec =
  | { readonly kind: 'directory_role'; readonly role: RoleEntry }
  | { readonly kind: 'group'; readonly name: string; readonly access: GroupAccess }
  | { readonly kind: 'azure_role'; readonly name: string; readonly on: string };

/** Directory roles from the catalogue as targets. */
export const roleTargets = (roles: readonly RoleEntry[]): TargetSpec[] =>
  roles.map((role) => ({ kind: 'directory_role', role }));

/** How a target is typed: parsing this text back gives the same spec. */
export function specText(spec: TargetSpec): string {
  if (spec.kind === 'directory_role') return spec.role.name;
  if (spec.kind === 'group') return `group ${spec.name}${spec.access === 'owner' ? ' owner' : ''}`;
  return `${spec.name} on ${spec.on}`;
}

/**
 * A request with parts missing is still a request: adapters open a form prefilled with what was
 * typed. Options are only recognised after a duration or a role, so with both missing parse
 * leaves `startAt`, `scope` and `ticket` at their defaults unless the text starts with an option.
 */
export interface RequestCommand {
  kind: 'request';
  targets: TargetSpec[];
  /** For directory roles: `/` (the default) or `/administrativeUnits/<id>`. */
  scope: string;
  durationSeconds: number | null;
  /** Epoch ms; null: as soon as approved. */
  startAt: number | null;
  ticket: string | null;
  reason: string;
  missing: MissingPart[];
}

export type HistoryWho = { kind: 'me' } | { kind: 'all' } | { kind: 'user'; mention: string };

export type Command =
  | RequestCommand
  | { kind: 'roles' }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'cancel'; requestId: string }
  | { kind: 'deactivate'; requestId: string | null; target: TargetSpec | null }
  | { kind: 'extend'; requestId: string; durationSeconds: number }
  | { kind: 'history'; who: HistoryWho; role: RoleEntry | null; since: number | null }
  | { kind: 'export'; since: number | null }
  /**
   * Who is eligible for a target, who approves it, and the policy that applies (approvers,
   * auditors). A group or Azure role is looked up tenant-wide, not among the asker's own.
   */
  | { kind: 'whocan'; target: TargetSpec }
  /**
   * Break-glass: `text` is a target listed in policy `breakglass.targets`, then the reason
   * (the use case splits them, as only it knows the list). Unconfirmed, it asks to confirm.
   */
  | { kind: 'breakglass'; confirmed: boolean; text: string }
  /** Eligibility reviews: the asker's open ones, or the recent ones and their results. */
  | { kind: 'review'; what: 'open' | 'history' };

/** Words that start an option after the duration; a reason starting with one needs `--`. */
export const OPTION_WORDS: ReadonlySet<string> = new Set(['at', 'in', 'on', 'ticket', '--']);
export const END_OF_OPTIONS = '--';

export function formatCommand(cmd: Command): string {
  switch (cmd.kind) {
    case 'request':
      return formatRequest(cmd);
    case 'roles':
    case 'status':
    case 'help':
      return cmd.kind;
    case 'cancel':
      return `cancel ${cmd.requestId}`;
    case 'deactivate':
      return join(['deactivate', cmd.requestId ?? (cmd.target ? specText(cmd.target) : undefined)]);
    case 'extend':
      return `extend ${cmd.requestId} ${formatDuration(cmd.durationSeconds)}`;
    case 'history':
      return join([
        'history',
        cmd.who.kind === 'me' ? undefined : cmd.who.kind === 'all' ? 'all' : cmd.who.mention,
        cmd.role ? `role ${cmd.role.name}` : undefined,
        formatSince(cmd.since),
      ]);
    case 'export':
      return join(['export', formatSince(cmd.since)]);
    case 'whocan':
      return `whocan ${specText(cmd.target)}`;
    case 'breakglass':
      return join(['breakglass', cmd.confirmed ? 'confirm' : undefined, cmd.text]);
    case 'review':
      return cmd.what === 'open' ? 'review' : 'review history';
  }
}

function formatRequest(cmd: RequestCommand): string {
  const firstReasonWord = cmd.reason.split(' ')[0]?.toLowerCase() ?? '';
  // Without a duration the parser cannot tell where the role list ends, and a reason that
  // starts like an option would be read as one: `--` marks where the reason begins.
  const marker =
    (cmd.durationSeconds === null && (cmd.reason !== '' || cmd.targets.length === 0)) ||
    OPTION_WORDS.has(firstReasonWord);
  return join([
    cmd.targets.map(specText).join(', ') || undefined,
    cmd.durationSeconds === null ? undefined : formatDuration(cmd.durationSeconds),
    cmd.startAt === null ? undefined : `at ${formatInstant(cmd.startAt)}`,
    cmd.scope === DIRECTORY_SCOPE ? undefined : `on ${cmd.scope}`,
    cmd.ticket === null ? undefined : `ticket ${cmd.ticket}`,
    marker ? END_OF_OPTIONS : undefined,
    cmd.reason || undefined,
  ]);
}

const formatSince = (since: number | null): string | undefined =>
  since === null ? undefined : `since ${formatInstant(since)}`;

const join = (parts: readonly (string | undefined)[]): string =>
  parts.filter((p) => p !== undefined).join(' ');
