import { describe, expect, it } from 'vitest';
import { type Command, formatCommand } from '../../../bot/core/commands/command.ts';
import { parseCommand } from '../../../bot/core/commands/parse.ts';
import { CTX, EXCHANGE_ADMIN, GLOBAL_ADMIN } from './fixtures.ts';

describe('whocan', () => {
  it('takes a role by name, alias or prefix, any case', () => {
    for (const text of [
      'whocan Exchange Administrator',
      '/elevate WHOCAN exchange',
      'whocan exchange adm',
    ])
      expect(parseCommand(text, CTX)).toEqual({
        ok: true,
        value: { kind: 'whocan', target: { kind: 'directory_role', role: EXCHANGE_ADMIN } },
      });
    expect(parseCommand('whocan ga', CTX)).toEqual({
      ok: true,
      value: { kind: 'whocan', target: { kind: 'directory_role', role: GLOBAL_ADMIN } },
    });
  });

  it('takes a PIM group with its access, and an Azure role at a scope', () => {
    expect(parseCommand('whocan group Payments Oncall', CTX)).toEqual({
      ok: true,
      value: {
        kind: 'whocan',
        target: { kind: 'group', name: 'Payments Oncall', access: 'member' },
      },
    });
    expect(parseCommand('whocan group Payments Oncall owner', CTX)).toMatchObject({
      ok: true,
      value: { target: { kind: 'group', name: 'Payments Oncall', access: 'owner' } },
    });
    expect(parseCommand('whocan Contributor on rg-payments', CTX)).toEqual({
      ok: true,
      value: {
        kind: 'whocan',
        target: { kind: 'azure_role', name: 'Contributor', on: 'rg-payments' },
      },
    });
  });

  it('asks for a role when none is given, and answers an unknown one with did-you-mean', () => {
    expect(parseCommand('whocan', CTX)).toMatchObject({
      ok: false,
      error: { code: 'command.missing_argument' },
    });
    const unknown = parseCommand('whocan Exchange Admnistrator', CTX);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toContain('Exchange Administrator');
    expect(parseCommand('whocan group', CTX)).toMatchObject({
      ok: false,
      error: { code: 'command.group_name_missing' },
    });
    expect(parseCommand('whocan Contributor on', CTX)).toMatchObject({
      ok: false,
      error: { code: 'command.scope_missing' },
    });
  });

  it('takes one target at a time', () => {
    expect(parseCommand('whocan exchange, ga', CTX)).toMatchObject({
      ok: false,
      error: { code: 'command.bad_argument', message: expect.stringContaining('whocan') },
    });
  });

  it('formats back to text that parses to the same command', () => {
    const commands: Command[] = [
      { kind: 'whocan', target: { kind: 'directory_role', role: EXCHANGE_ADMIN } },
      { kind: 'whocan', target: { kind: 'group', name: 'Payments Oncall', access: 'owner' } },
      { kind: 'whocan', target: { kind: 'azure_role', name: 'Contributor', on: 'rg-payments' } },
    ];
    for (const command of commands)
      expect(parseCommand(formatCommand(command), CTX)).toEqual({ ok: true, value: command });
  });
});
