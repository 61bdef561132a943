import { describe, expect, it } from 'vitest';
import type { AccessRequest, RequestState } from '../../bot/core/domain/request.ts';
import { TERMINAL_STATES } from '../../bot/core/domain/request.ts';
import { type Transition, transition } from '../../bot/core/domain/transitions.ts';
import { makeRequest } from '../support/fixtures.ts';
import { people } from '../support/tenant.ts';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);

const every: Transition[] = [
  { type: 'approve', by: people.bob },
  { type: 'deny', by: people.bob, reason: 'no' },
  { type: 'cancel', by: people.alice },
  { type: 'expire_approval' },
  { type: 'schedule' },
  { type: 'start_activation' },
  { type: 'activated', endsAt: NOW + 3600_000 },
  { type: 'fail', failure: { code: 'x', message: 'y' } },
  { type: 'end', reason: 'expired' },
  { type: 'extend', endsAt: NOW + 7200_000 },
];

const inState = (state: RequestState, over: Partial<AccessRequest> = {}): AccessRequest =>
  makeRequest({
    state,
    requester: people.alice,
    endsAt: state === 'active' ? NOW + 600_000 : null,
    ...over,
  });

describe('request state machine', () => {
  it('refuses every transition out of a terminal state', () => {
    for (const state of TERMINAL_STATES) {
      for (const t of every) {
        const result = transition(inState(state), t, NOW);
        expect(result.ok, `${state} --${t.type}-->`).toBe(false);
        expect(result.ok || result.error.code).toMatch(/^request\.(already_decided|wrong_state)$/);
      }
    }
  });

  it('allows exactly the documented transitions', () => {
    const allowed = (state: RequestState) =>
      every.filter((t) => transition(inState(state), t, NOW).ok).map((t) => t.type);
    expect(allowed('pending_approval')).toEqual(['approve', 'deny', 'cancel', 'expire_approval']);
    expect(allowed('approved')).toEqual(['cancel', 'schedule', 'start_activation']);
    expect(allowed('scheduled')).toEqual(['cancel', 'start_activation']);
    expect(allowed('activating')).toEqual(['activated', 'fail']);
    expect(allowed('active')).toEqual(['end', 'extend']);
  });

  it('bumps the version and the update time on every transition', () => {
    const before = inState('pending_approval', { version: 3 });
    const after = transition(before, { type: 'approve', by: people.bob }, NOW);
    expect(after).toMatchObject({
      ok: true,
      value: { version: 4, updatedAt: NOW, state: 'approved' },
    });
    expect(before.state).toBe('pending_approval');
  });

  it('counts distinct approvals up to the quorum', () => {
    const quorum2 = inState('pending_approval', {
      approval: {
        required: true,
        approvers: [],
        quorum: 2,
        timeoutAt: null,
        escalateTo: [],
        escalated: false,
        timeoutSeconds: 3600,
      },
    });
    const one = transition(quorum2, { type: 'approve', by: people.bob }, NOW);
    if (!one.ok) throw new Error(one.error.message);
    expect(one.value.state).toBe('pending_approval');
    expect(transition(one.value, { type: 'approve', by: people.bob }, NOW)).toMatchObject({
      ok: false,
      error: { code: 'request.already_approved_by_you' },
    });
    expect(transition(one.value, { type: 'approve', by: people.carol }, NOW)).toMatchObject({
      ok: true,
      value: { state: 'approved', approvals: [{ by: people.bob }, { by: people.carol }] },
    });
  });

  it('lets one deny end it and refuses self-decisions', () => {
    const r = inState('pending_approval');
    expect(transition(r, { type: 'deny', by: people.bob, reason: ' not now ' }, NOW)).toMatchObject(
      {
        ok: true,
        value: { state: 'denied', denial: { by: people.bob, reason: 'not now', at: NOW } },
      },
    );
    expect(transition(r, { type: 'approve', by: people.alice }, NOW)).toMatchObject({
      ok: false,
      error: { code: 'request.self_approval' },
    });
    expect(transition(r, { type: 'deny', by: people.alice, reason: 'x' }, NOW)).toMatchObject({
      ok: false,
      error: { code: 'request.self_approval' },
    });
  });

  it('records activation, end and extension times', () => {
    const activating = inState('activating');
    expect(transition(activating, { type: 'activated', endsAt: NOW + 1000 }, NOW)).toMatchObject({
      ok: true,
      value: { state: 'active', activatedAt: NOW, endsAt: NOW + 1000 },
    });
    const active = inState('active');
    expect(transition(active, { type: 'end', reason: 'deactivated' }, NOW)).toMatchObject({
      ok: true,
      value: { state: 'ended', endedAt: NOW, endReason: 'deactivated' },
    });
    expect(transition(active, { type: 'extend', endsAt: NOW + 60_000 }, NOW).ok).toBe(false);
    expect(transition(active, { type: 'extend', endsAt: NOW + 7200_000 }, NOW)).toMatchObject({
      ok: true,
      value: { endsAt: NOW + 7200_000 },
    });
  });

  it('lets only the requester cancel', () => {
    expect(transition(inState('scheduled'), { type: 'cancel', by: people.bob }, NOW)).toMatchObject(
      {
        ok: false,
        error: { code: 'request.not_requester' },
      },
    );
  });
});
