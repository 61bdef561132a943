import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../../bot/core/commands/command.ts';
import { parseCommand } from '../../../bot/core/commands/parse.ts';
import { CTX } from './fixtures.ts';

describe('breakglass', () => {
  it('takes the rest as target and reason, unconfirmed until the word confirm', () => {
    expect(parseCommand('/elevate breakglass Exchange Administrator  mail down', CTX)).toEqual({
      ok: true,
      value: { kind: 'breakglass', confirmed: false, text: 'Exchange Administrator mail down' },
    });
    expect(parseCommand('BREAKGLASS Confirm exo -- mail down', CTX)).toEqual({
      ok: true,
      value: { kind: 'breakglass', confirmed: true, text: 'exo -- mail down' },
    });
  });

  it('asks for a target and reason when none is given', () => {
    for (const text of ['breakglass', 'breakglass confirm'])
      expect(parseCommand(text, CTX)).toMatchObject({
        ok: false,
        error: { code: 'command.missing_argument' },
      });
  });

  it('formats back to text that parses to the same command', () => {
    for (const confirmed of [false, true]) {
      const command = { kind: 'breakglass' as const, confirmed, text: 'Global Administrator -- x' };
      expect(parseCommand(formatCommand(command), CTX)).toEqual({ ok: true, value: command });
    }
  });
});
