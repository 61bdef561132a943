import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import { leadingRoles, parseRoleList } from '../../../bot/core/commands/role-list.ts';
import { findRole, matchRole, suggest } from '../../../bot/core/commands/role-match.ts';
import {
  EXCHANGE_ADMIN,
  GLOBAL_ADMIN,
  GLOBAL_READER,
  INTUNE_ADMIN,
  PROD_ADMINS,
  ROLES,
  SECURITY_READER,
  SHAREPOINT_ADMIN,
} from './fixtures.ts';

describe('matchRole', () => {
  it.each([
    ['Global Administrator', GLOBAL_ADMIN],
    ['global   administrator', GLOBAL_ADMIN],
    ['GLOBAL READER', GLOBAL_READER],
    ['ga', GLOBAL_ADMIN],
    ['Global Admin', GLOBAL_ADMIN],
    ['spo', SHAREPOINT_ADMIN],
    ['exchange', EXCHANGE_ADMIN],
    ['exch admin', EXCHANGE_ADMIN],
    ['sharep', SHAREPOINT_ADMIN],
    ['sec read', SECURITY_READER],
    ['int', INTUNE_ADMIN],
    ['admins in prod', PROD_ADMINS],
  ])('%j is %s', (name, role) => {
    expect(matchRole(name, ROLES)).toEqual({ ok: true, value: role });
  });

  it('lists the roles an ambiguous prefix matches', () => {
    const result = matchRole('security', ROLES);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('command.ambiguous_role');
    expect(result.error.message).toContain('`Security Administrator`, `Security Reader`');
  });

  it('answers an unknown name with the closest names', () => {
    const result = matchRole('Exchnage Administrator', ROLES);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('command.unknown_role');
    expect(result.error.message).toContain('Did you mean `Exchange Administrator`');
  });

  it('does not let one letter pick a role', () => {
    expect(findRole('u', ROLES).kind).toBe('none');
    expect(findRole('us', ROLES).kind).toBe('one');
  });

  it('suggests nothing for a name unlike any role', () => {
    expect(suggest('pizza oven', ROLES)).toEqual([]);
  });

  it('suggests at most three names, closest first', () => {
    expect(suggest('Secutiry Admin', ROLES)[0]).toBe('Security Administrator');
    expect(suggest('Administratr', ROLES).length).toBeLessThanOrEqual(3);
  });

  it('suggests from the first words of a longer text', () => {
    expect(suggest('exchnage fixing mail', ROLES)).toContain('Exchange Administrator');
  });
});

describe('parseRoleList', () => {
  it('splits on commas, with or without spaces', () => {
    expect(parseRoleList('ga,spo ,  Global Reader', ROLES)).toEqual({
      ok: true,
      value: roleTargets([GLOBAL_ADMIN, SHAREPOINT_ADMIN, GLOBAL_READER]),
    });
  });

  it('reads PIM groups with member or owner, and Azure roles at a scope, beside directory roles', () => {
    expect(
      parseRoleList(
        'ga, group Payments Oncall, group Payments Oncall owner, Contributor on rg-payments',
        ROLES,
      ),
    ).toEqual({
      ok: true,
      value: [
        ...roleTargets([GLOBAL_ADMIN]),
        { kind: 'group', name: 'Payments Oncall', access: 'member' },
        { kind: 'group', name: 'Payments Oncall', access: 'owner' },
        { kind: 'azure_role', name: 'Contributor', on: 'rg-payments' },
      ],
    });
  });

  it('keeps a directory role with an administrative unit, and refuses an empty group or scope', () => {
    const au = parseRoleList('Contributor on /administrativeUnits/1', ROLES);
    expect(!au.ok && au.error.code).toBe('command.unknown_role');
    const noGroup = parseRoleList('group', ROLES);
    expect(!noGroup.ok && noGroup.error.message).toMatch(/Name the group after `group`/);
    const noScope = parseRoleList('Contributor on', ROLES);
    expect(!noScope.ok && noScope.error.code).toBe('command.scope_missing');
  });

  it('refuses the same group twice, in any case', () => {
    const result = parseRoleList('group Payments Oncall, group payments oncall member', ROLES);
    expect(!result.ok && result.error.code).toBe('command.duplicate_role');
  });

  it('refuses the same role twice, however it is named', () => {
    const result = parseRoleList('ga, Global Administrator', ROLES);
    expect(!result.ok && result.error.code).toBe('command.duplicate_role');
  });
});

describe('leadingRoles', () => {
  const words = (text: string) => text.split(' ');

  it('ends a trailing group or Azure role at the first option word', () => {
    expect(leadingRoles(words('group Payments Oncall owner at 14:00'), ROLES)).toEqual({
      ok: true,
      value: {
        targets: [{ kind: 'group', name: 'Payments Oncall', access: 'owner' }],
        rest: ['at', '14:00'],
      },
    });
    expect(leadingRoles(words('ga, Contributor on rg-payments ticket INC-1'), ROLES)).toEqual({
      ok: true,
      value: {
        targets: [
          ...roleTargets([GLOBAL_ADMIN]),
          { kind: 'azure_role', name: 'Contributor', on: 'rg-payments' },
        ],
        rest: ['ticket', 'INC-1'],
      },
    });
  });

  it('takes the longest run of words that names a role', () => {
    expect(leadingRoles(words('exchange fixing mail'), ROLES)).toEqual({
      ok: true,
      value: { targets: roleTargets([EXCHANGE_ADMIN]), rest: ['fixing', 'mail'] },
    });
    expect(leadingRoles(words('global reader audit prep'), ROLES)).toEqual({
      ok: true,
      value: { targets: roleTargets([GLOBAL_READER]), rest: ['audit', 'prep'] },
    });
  });

  it('reads a comma-separated list', () => {
    expect(leadingRoles(words('ga, spo, exch admin fixing, then more'), ROLES)).toEqual({
      ok: true,
      value: {
        targets: roleTargets([GLOBAL_ADMIN, SHAREPOINT_ADMIN, EXCHANGE_ADMIN]),
        rest: words('fixing, then more'),
      },
    });
  });

  it('keeps a role name with an option word when the whole name is given', () => {
    expect(leadingRoles(words('Admins in Prod'), ROLES)).toEqual({
      ok: true,
      value: { targets: roleTargets([PROD_ADMINS]), rest: [] },
    });
  });

  it('stops a run at an option word', () => {
    expect(leadingRoles(words('prod in 2h'), ROLES)).toEqual({
      ok: true,
      value: { targets: roleTargets([PROD_ADMINS]), rest: ['in', '2h'] },
    });
  });

  it('reports an ambiguous leading word', () => {
    const result = leadingRoles(words('security audit'), ROLES);
    expect(!result.ok && result.error.code).toBe('command.ambiguous_role');
  });

  it('reports an unknown role after a comma', () => {
    const result = leadingRoles(words('ga, pizza oven stuff'), ROLES);
    expect(!result.ok && result.error.code).toBe('command.unknown_role');
  });
});
