/**
 * formatCommand writes text that parses back to the same command: for any role catalogue and
 * any command the parser can produce.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  formatCommand,
  type ParseContext,
  specText,
  type TargetSpec,
} from '../../../bot/core/commands/command.ts';
import { parseCommand } from '../../../bot/core/commands/parse.ts';
import { parseDuration } from '../../../bot/core/domain/duration.ts';
import type { RoleEntry, TargetKind } from '../../../bot/core/domain/target.ts';
import { DAY, NOW } from './fixtures.ts';

/**
 * Words role names are built from. Some start like option words (`Insights`, `Attack`,
 * `Online`) or contain each other's prefixes, to test that neither confuses the parser. Names
 * cannot contain the option words themselves, durations, or start with a command word: those
 * are limits of the grammar, not of the generator.
 */
const WORDS = [
  'Global',
  'Reader',
  'Administrator',
  'Admin',
  'Exchange',
  'Security',
  'Insights',
  'Attack',
  'Online',
  'Tickets',
  'Teams',
  'Intune',
  'Billing',
  'Helpdesk',
  'User',
  'Users',
  'Compliance',
  'Fabric',
  'Network',
  'Knowledge',
  'Manager',
  'Search',
  'Editor',
  'Azure',
  'Domain',
  'Identity',
];
const KINDS: readonly TargetKind[] = ['directory_role', 'group', 'azure_role'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];

const roleName = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 })
  .map((w) => w.join(' '));

const catalogue: fc.Arbitrary<RoleEntry[]> = fc
  .uniqueArray(
    fc.tuple(roleName, fc.array(roleName, { maxLength: 2 }), fc.constantFrom(...KINDS)),
    {
      minLength: 1,
      maxLength: 8,
      selector: ([name]) => name.toLowerCase(),
    },
  )
  .map((entries) =>
    entries.map(([name, aliases, kind], i) => ({
      kind,
      id: `role-${i}`,
      name,
      aliases: aliases.map((a) => a.toLowerCase()),
    })),
  );

const context: fc.Arbitrary<ParseContext> = fc
  .tuple(catalogue, fc.integer({ min: 0, max: 3_650 * DAY }), fc.constantFrom(...ZONES))
  .map(([roles, offset, timezone]) => ({ roles, now: NOW - 1_825 * DAY + offset, timezone }));

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const scope = fc.oneof(
  fc.constant('/'),
  hex(8).map((id) => `/administrativeUnits/${id}`),
  hex(8).map((id) => `/subscriptions/${id}`),
  fc
    .tuple(hex(8), fc.stringMatching(/^[A-Za-z0-9._()-]{1,20}$/))
    .map(([s, rg]) => `/subscriptions/${s}/resourceGroups/${rg}`),
  hex(6).map((id) => `/providers/Microsoft.Management/managementGroups/${id}`),
);
const ticket = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/);
const word = fc.stringMatching(/^\S{1,16}$/);
/** Reasons are any words, including option words, durations, `--` and commas. */
const reason = fc
  .array(
    fc.oneof(word, fc.constantFrom('at', 'in', 'on', 'ticket', '--', '2h', 'AT', '14:00', ',')),
    {
      maxLength: 8,
    },
  )
  .map((w) => w.join(' '));
const duration = fc.integer({ min: 1, max: 366 * 86_400 });
const requestId = fc.stringMatching(/^R[0-9A-HJKMNP-TV-Z]{7,12}$/);
const since = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const mention = fc.oneof(
  fc.stringMatching(/^<@U[A-Z0-9]{8}>$/),
  fc.stringMatching(/^<@U[A-Z0-9]{8}\|[a-z.]{1,12}>$/),
  fc.stringMatching(/^@[a-z][a-z0-9._-]{0,15}$/),
);

/** A PIM group or Azure role name: never a catalogue name, so it cannot read as a directory role. */
const otherName = fc
  .array(fc.constantFrom('Payments', 'Oncall', 'Prod', 'Storage', 'Blob', 'Data', 'Contributor'), {
    minLength: 1,
    maxLength: 3,
  })
  .map((w) => `Zz ${w.join(' ')}`);
const armScope = fc.oneof(
  fc.constantFrom('rg-payments', 'Pay-As-You-Go', 'kv-prod'),
  fc.uuid().map((id) => `/subscriptions/${id}/resourceGroups/rg-app`),
);

function command(ctx: ParseContext): fc.Arbitrary<Command> {
  const role = fc.constantFrom(...ctx.roles);
  const spec: fc.Arbitrary<TargetSpec> = fc.oneof(
    { arbitrary: role.map((r): TargetSpec => ({ kind: 'directory_role', role: r })), weight: 4 },
    fc
      .record({ name: otherName, access: fc.constantFrom('member' as const, 'owner' as const) })
      .map((g): TargetSpec => ({ kind: 'group', ...g })),
    fc
      .record({ name: otherName, on: armScope })
      .map((a): TargetSpec => ({ kind: 'azure_role', ...a })),
  );
  const request = fc
    .record({
      targets: fc.uniqueArray(spec, {
        maxLength: 3,
        selector: (t) => (t.kind === 'directory_role' ? t.role.id : formatCommandSpec(t)),
      }),
      scope,
      durationSeconds: fc.option(duration, { nil: null, freq: 2 }),
      startAt: fc.option(fc.integer({ min: ctx.now, max: ctx.now + 30 * DAY }), {
        nil: null,
        freq: 2,
      }),
      ticket: fc.option(ticket, { nil: null, freq: 2 }),
      reason,
    })
    // Without a duration the first duration-like word would be read as one.
    .filter(
      (r) => r.durationSeconds !== null || r.ticket === null || parseDuration(r.ticket) === null,
    )
    .map(
      (r): Command => ({
        kind: 'request',
        ...r,
        missing: [
          ...(r.targets.length === 0 ? ['role' as const] : []),
          ...(r.durationSeconds === null ? ['duration' as const] : []),
          ...(r.reason === '' ? ['reason' as const] : []),
        ],
      }),
    );
  return fc.oneof(
    { arbitrary: request, weight: 6 },
    fc.constantFrom<Command>({ kind: 'roles' }, { kind: 'status' }, { kind: 'help' }),
    requestId.map((id): Command => ({ kind: 'cancel', requestId: id })),
    fc.oneof(
      fc.constant<Command>({ kind: 'deactivate', requestId: null, target: null }),
      requestId.map((id): Command => ({ kind: 'deactivate', requestId: id, target: null })),
      spec.map((t): Command => ({ kind: 'deactivate', requestId: null, target: t })),
    ),
    fc
      .tuple(requestId, duration)
      .map(([id, d]): Command => ({ kind: 'extend', requestId: id, durationSeconds: d })),
    fc
      .record({
        who: fc.oneof(
          fc.constant({ kind: 'me' as const }),
          fc.constant({ kind: 'all' as const }),
          mention.map((m) => ({ kind: 'user' as const, mention: m })),
        ),
        role: fc.option(role, { nil: null }),
        since: fc.option(since, { nil: null }),
      })
      .map((h): Command => ({ kind: 'history', ...h })),
    fc.option(since, { nil: null }).map((s): Command => ({ kind: 'export', since: s })),
  );
}

const formatCommandSpec = (t: TargetSpec): string => specText(t).toLowerCase();

const contextAndCommand = context.chain((ctx) => command(ctx).map((cmd) => ({ ctx, cmd })));

describe('formatCommand', () => {
  it('writes text that parses back to the same command', () => {
    fc.assert(
      fc.property(contextAndCommand, ({ ctx, cmd }) => {
        const text = formatCommand(cmd);
        expect(parseCommand(text, ctx), text).toEqual({ ok: true, value: cmd });
      }),
      { numRuns: 2_000 },
    );
  });

  it('is a fixed point: formatting what was parsed gives the same text', () => {
    fc.assert(
      fc.property(contextAndCommand, ({ ctx, cmd }) => {
        const text = formatCommand(cmd);
        const parsed = parseCommand(`/elevate   ${text.split(' ').join('  ')}`, ctx);
        expect(parsed.ok && formatCommand(parsed.value)).toBe(text);
      }),
    );
  });

  it.each<[Command, string]>([
    [{ kind: 'extend', requestId: 'R7K2M9QX', durationSeconds: 5_400 }, 'extend R7K2M9QX 1h30m'],
    [{ kind: 'export', since: Date.UTC(2026, 10, 1) }, 'export since 2026-11-01T00:00Z'],
    [{ kind: 'history', who: { kind: 'me' }, role: null, since: null }, 'history'],
  ])('writes %j as %s', (cmd, text) => {
    expect(formatCommand(cmd)).toBe(text);
  });
});
