import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import { parseCommand } from '../../../bot/core/commands/parse.ts';
import {
  CTX,
  DAY,
  EXCHANGE_ADMIN,
  GLOBAL_ADMIN,
  GLOBAL_READER,
  HOUR,
  NOW,
  PROD_ADMINS,
  SECURITY_READER,
  SHAREPOINT_ADMIN,
} from './fixtures.ts';

const parse = (text: string) => parseCommand(text, CTX);
const value = (text: string) => {
  const result = parse(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.value;
};
const code = (text: string) => {
  const result = parse(text);
  return result.ok ? null : result.error.code;
};

const request = {
  kind: 'request',
  targets: roleTargets([]),
  scope: '/',
  durationSeconds: null,
  startAt: null,
  ticket: null,
  reason: '',
  missing: [],
};

describe('requests', () => {
  it('reads the example from the design', () => {
    expect(value('/elevate Exchange Administrator 2h fixing mail flow INC-4711')).toEqual({
      ...request,
      targets: roleTargets([EXCHANGE_ADMIN]),
      durationSeconds: 7_200,
      reason: 'fixing mail flow INC-4711',
    });
  });

  it('works with or without the command word, in any case and spacing', () => {
    const expected = value('ga 1h fix');
    for (const text of ['/elevate ga 1h fix', 'elevate  ga\t1h\n fix', '  /ELEVATE GA 1H fix  ']) {
      expect(value(text)).toEqual(expected);
    }
  });

  it('activates several roles together', () => {
    expect(value('ga, spo,Global Reader PT90M tenant migration')).toMatchObject({
      targets: roleTargets([GLOBAL_ADMIN, SHAREPOINT_ADMIN, GLOBAL_READER]),
      durationSeconds: 5_400,
      reason: 'tenant migration',
      missing: [],
    });
  });

  it('reads options in any order before the reason', () => {
    expect(
      value(
        'sec read 1h30m ticket INC-4711 on /subscriptions/abc-123/resourceGroups/rg1/ at 14:00 audit',
      ),
    ).toMatchObject({
      targets: roleTargets([SECURITY_READER]),
      durationSeconds: 5_400,
      ticket: 'INC-4711',
      scope: '/subscriptions/abc-123/resourceGroups/rg1',
      startAt: Date.UTC(2026, 10, 3, 13, 0),
      reason: 'audit',
    });
    expect(value('ga 1h in 2h on /administrativeUnits/42 fix')).toMatchObject({
      startAt: NOW + 2 * HOUR,
      scope: '/administrativeUnits/42',
      reason: 'fix',
    });
    expect(value('ga 1h at 2026-11-05 09:00 fix')).toMatchObject({
      startAt: Date.UTC(2026, 10, 5, 8, 0),
      reason: 'fix',
    });
  });

  it.each([
    ["ga 2h at the customer's request", "at the customer's request"],
    ['ga 2h in prod the mail queue is stuck', 'in prod the mail queue is stuck'],
    ['ga 2h on call for INC-1', 'on call for INC-1'],
    ['ga 2h ticket INC-1 ticket INC-2 again', 'ticket INC-2 again'],
    ['ga 2h at 14:00 in 1h as planned', 'in 1h as planned'],
    ['ga 2h -- at 14:00 the job runs', 'at 14:00 the job runs'],
    ['ga 2h ticket', 'ticket'],
    ['ga 2h fixing -- twice 1h', 'fixing -- twice 1h'],
  ])('%s has the reason %j', (text, reason) => {
    expect(value(text)).toMatchObject({ reason });
  });

  it('finds the role without a duration, leaving the rest to a form', () => {
    expect(value('/elevate exchange fixing mail')).toEqual({
      ...request,
      targets: roleTargets([EXCHANGE_ADMIN]),
      reason: 'fixing mail',
      missing: ['duration'],
    });
  });

  it('lists what is missing instead of failing', () => {
    expect(value('ga')).toMatchObject({
      targets: roleTargets([GLOBAL_ADMIN]),
      missing: ['duration', 'reason'],
    });
    expect(value('ga 2h')).toMatchObject({ durationSeconds: 7_200, missing: ['reason'] });
    expect(value('2h fixing')).toMatchObject({ targets: roleTargets([]), missing: ['role'] });
    expect(value('-- fixing')).toMatchObject({
      targets: roleTargets([]),
      reason: 'fixing',
      missing: ['role', 'duration'],
    });
    expect(value('ticket INC-1 fixing')).toMatchObject({
      ticket: 'INC-1',
      missing: ['role', 'duration'],
    });
    expect(value('ga ticket INC-1 -- fixing')).toMatchObject({
      ticket: 'INC-1',
      missing: ['duration'],
    });
  });

  it('accepts a group whose name contains an option word', () => {
    expect(value('Admins in Prod 4h deploy')).toMatchObject({
      targets: roleTargets([PROD_ADMINS]),
      reason: 'deploy',
    });
  });

  it('keeps the ticket and scope as typed, without trailing slashes', () => {
    expect(value('ga 1h ticket chg_2026.11/42 on /subscriptions/X/ fix')).toMatchObject({
      ticket: 'chg_2026.11/42',
      scope: '/subscriptions/X',
    });
  });
});

describe('other commands', () => {
  it.each([
    ['roles', { kind: 'roles' }],
    ['/elevate STATUS', { kind: 'status' }],
    ['help', { kind: 'help' }],
    ['help extend', { kind: 'help' }],
    ['cancel r7k2m9qx', { kind: 'cancel', requestId: 'R7K2M9QX' }],
    ['deactivate', { kind: 'deactivate', requestId: null, target: null }],
    ['deactivate R7K2M9QXAB', { kind: 'deactivate', requestId: 'R7K2M9QXAB', target: null }],
    [
      'deactivate global reader',
      {
        kind: 'deactivate',
        requestId: null,
        target: { kind: 'directory_role', role: GLOBAL_READER },
      },
    ],
    [
      'deactivate group Payments Oncall owner',
      {
        kind: 'deactivate',
        requestId: null,
        target: { kind: 'group', name: 'Payments Oncall', access: 'owner' },
      },
    ],
    [
      'deactivate Contributor on rg-payments',
      {
        kind: 'deactivate',
        requestId: null,
        target: { kind: 'azure_role', name: 'Contributor', on: 'rg-payments' },
      },
    ],
    ['extend R7K2M9QX 1h', { kind: 'extend', requestId: 'R7K2M9QX', durationSeconds: 3_600 }],
    ['history', { kind: 'history', who: { kind: 'me' }, role: null, since: null }],
    ['history all', { kind: 'history', who: { kind: 'all' }, role: null, since: null }],
    ['export', { kind: 'export', since: null }],
    ['export since 30d', { kind: 'export', since: NOW - 30 * DAY }],
  ])('%s', (text, expected) => {
    expect(value(text)).toEqual(expected);
  });

  it('reads history filters in either order', () => {
    const expected = {
      kind: 'history',
      who: { kind: 'user', mention: '<@U123ABC|jane>' },
      role: EXCHANGE_ADMIN,
      since: NOW - 7 * DAY,
    };
    expect(value('history <@U123ABC|jane> role exch admin since 7d')).toEqual(expected);
    expect(value('history <@U123ABC|jane> since 7d role exch admin')).toEqual(expected);
  });

  it.each([['<@U123ABC>'], ['@jane.doe'], ['@zoë'], ['@jane@contoso.com'], ['jane@contoso.com']])(
    'history %s names a user',
    (mention) => {
      expect(value(`history ${mention}`)).toMatchObject({ who: { kind: 'user', mention } });
    },
  );

  it('reads since as a date in the zone or as an instant', () => {
    expect(value('history since 2026-11-01')).toMatchObject({
      since: Date.UTC(2026, 9, 31, 23, 0),
    });
    expect(value('export since 2026-11-01T06:00Z')).toMatchObject({
      since: Date.UTC(2026, 10, 1, 6),
    });
  });
});

describe('errors', () => {
  it.each([
    ['', 'command.empty'],
    ['   ', 'command.empty'],
    ['/elevate', 'command.empty'],
    ['x'.repeat(2001), 'command.too_long'],
    ['pizza 2h lunch', 'command.unknown_role'],
    ['exchnage admin fixing mail', 'command.unknown_role'],
    ['security 2h audit', 'command.ambiguous_role'],
    ['security audit', 'command.ambiguous_role'],
    ['ga, global admin 2h fix', 'command.duplicate_role'],
    ['ga 2h at 25:00 fix', 'command.bad_start'],
    ['ga 2h at 2026-01-01T09:00Z fix', 'command.start_in_past'],
    ['ga 2h in 60d fix', 'command.start_too_far'],
    ['ga 2h on /tenants/x fix', 'command.bad_scope'],
    ['ga 2h on subscriptions fix', 'command.bad_scope'],
    ['ga 2h ticket INC#4711 fix', 'command.bad_ticket'],
    [`ga 2h ticket ${'A'.repeat(65)} fix`, 'command.bad_ticket'],
    ['roles please', 'command.bad_argument'],
    ['cancel', 'command.missing_argument'],
    ['cancel 12345', 'command.bad_argument'],
    ['cancel R7K2M9QO', 'command.bad_argument'],
    ['cancel R7K2M9QX now', 'command.bad_argument'],
    ['deactivate R12', 'command.bad_argument'],
    ['deactivate pizza', 'command.unknown_role'],
    ['extend', 'command.missing_argument'],
    ['extend R7K2M9QX', 'command.missing_argument'],
    ['extend R7K2M9QX forever', 'command.bad_duration'],
    ['extend R7K2M9QX 1h please', 'command.bad_argument'],
    ['history jane', 'command.bad_argument'],
    ['history role', 'command.missing_argument'],
    ['history role pizza', 'command.unknown_role'],
    ['history since', 'command.missing_argument'],
    ['history since yesterday', 'command.bad_argument'],
    ['history since 7d since 8d', 'command.bad_argument'],
    ['export all', 'command.bad_argument'],
    ['export since 2026-02-30', 'command.bad_argument'],
  ])('%j → %s', (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  it('counts length before collapsing whitespace', () => {
    expect(code(`ga 2h ${' '.repeat(1992)}fix`)).toBe('command.too_long');
    expect(code(`ga 2h ${'x'.repeat(1990)}`)).toBeNull();
  });
});
