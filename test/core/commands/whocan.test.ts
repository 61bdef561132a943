import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../../bot/core/commands/command.ts';
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
        value: { kind: 'whocan', role: EXCHANGE_ADMIN },
      });
    expect(parseCommand('whocan ga', CTX)).toEqual({
      ok: true,
      value: { kind: 'whocan', role: GLOBAL_ADMIN },
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
  });

  it('formats back to text that parses to the same command', () => {
    const command = { kind: 'whocan' as const, role: EXCHANGE_ADMIN };
    expect(parseCommand(formatCommand(command), CTX)).toEqual({ ok: true, value: command });
  });
});
