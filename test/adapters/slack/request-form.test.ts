import { describe, expect, it } from 'vitest';
import { requestFromForm } from '../../../adapters/slack/request-form.ts';

const values = (v: {
  roles?: string[];
  duration?: string;
  start?: string;
  ticket?: string;
  reason?: string;
}) => ({
  roles: { value: { selected_options: (v.roles ?? []).map((value) => ({ value })) } },
  duration: { value: { value: v.duration ?? null } },
  start: { value: { value: v.start ?? null } },
  ticket: { value: { value: v.ticket ?? null } },
  reason: { value: { value: v.reason ?? null } },
});

describe('request modal submission', () => {
  it('answers every bad field at once, keyed by block', () => {
    expect(requestFromForm(values({ duration: 'two hours', ticket: 'INC 47 11' }))).toEqual({
      ok: false,
      error: {
        roles: 'Pick at least one role.',
        duration: 'Use a duration such as 30m, 2h, 1h30m or PT2H.',
        ticket: 'Letters, digits and - only, e.g. INC-4711.',
        reason: 'Say what you will do and why.',
      },
    });
  });

  it('builds the command text the parser reads, reason after --', () => {
    expect(
      requestFromForm(
        values({
          roles: ['Exchange Administrator', 'Helpdesk Administrator'],
          duration: '2h',
          start: 'at 14:00',
          ticket: 'INC-4711',
          reason: 'at night: fixing mail flow',
        }),
      ),
    ).toEqual({
      ok: true,
      value:
        'Exchange Administrator, Helpdesk Administrator 2h at 14:00 ticket INC-4711 -- at night: fixing mail flow',
    });
    expect(
      requestFromForm(
        values({ roles: ['Exchange Administrator'], duration: '30m', start: 'in 2h', reason: 'x' }),
      ),
    ).toEqual({
      ok: true,
      value: 'Exchange Administrator 30m in 2h -- x',
    });
  });
});
