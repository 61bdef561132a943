import { describe, expect, it } from 'vitest';
import { type FormFields, requestFromFields } from '../../../adapters/chat/request-form.ts';

const values = (v: {
  roles?: string[];
  duration?: string;
  start?: string;
  ticket?: string;
  reason?: string;
}): FormFields => ({
  roles: v.roles ?? [],
  duration: v.duration ?? null,
  start: v.start ?? null,
  ticket: v.ticket ?? null,
  reason: v.reason ?? '',
});

describe('request form submission', () => {
  it('answers every bad field at once, keyed by block', () => {
    expect(requestFromFields(values({ duration: 'two hours', ticket: 'INC 47 11' }))).toEqual({
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
      requestFromFields(
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
      requestFromFields(
        values({ roles: ['Exchange Administrator'], duration: '30m', start: 'in 2h', reason: 'x' }),
      ),
    ).toEqual({
      ok: true,
      value: 'Exchange Administrator 30m in 2h -- x',
    });
  });
});
