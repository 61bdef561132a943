import { describe, expect, it } from 'vitest';
import { requestFromForm } from '../../../adapters/slack/request-form.ts';

describe('Slack request modal submission', () => {
  it('reads each block by its id, whatever the action id, trimming the text', () => {
    const read = requestFromForm({
      roles: { pick: { selected_options: [{ value: 'Exchange Administrator' }] } },
      duration: { d: { value: ' 2h ' } },
      start: { s: { value: null } },
      ticket: { t: { value: 'INC-4711' } },
      reason: { r: { value: 'fixing mail flow' } },
    });
    expect(read).toEqual({
      ok: true,
      value: 'Exchange Administrator 2h ticket INC-4711 -- fixing mail flow',
    });
  });

  it('keys the problems by block id, so Slack draws them under the inputs', () => {
    const read = requestFromForm({ duration: { d: { value: 'soon' } } });
    expect(read).toEqual({
      ok: false,
      error: {
        roles: 'Pick at least one role.',
        duration: 'Use a duration such as 30m, 2h, 1h30m or PT2H.',
        reason: 'Say what you will do and why.',
      },
    });
  });
});
