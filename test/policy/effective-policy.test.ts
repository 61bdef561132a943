import { describe, expect, it } from 'vitest';
import {
  combinePolicies,
  effectivePolicy,
  rolePolicy,
} from '../../bot/core/domain/effective-policy.ts';
import type { PimRules, RolePolicy } from '../../bot/core/domain/policy.ts';
import { MINIMAL, parsed } from './helpers.ts';

const H = 3_600;
const M = 60;

const base: RolePolicy = {
  maxDuration: 8 * H,
  minDuration: 30 * M,
  defaultDuration: 1 * H,
  approval: {
    required: false,
    approvers: ['a@x.io', 'b@x.io'],
    quorum: 1,
    timeout: 1 * H,
    escalateTo: ['lead@x.io'],
  },
  justification: { required: false, minLength: 10 },
  ticket: { required: false, pattern: '^INC-\\d+$' },
  reminderBefore: 10 * M,
  mfaRequired: false,
  mode: 'app',
};
const lenient: PimRules = {
  justificationRequired: false,
  ticketRequired: false,
  approvalRequired: false,
  mfaRequired: false,
};

describe('rolePolicy', () => {
  const policy = parsed([
    ...MINIMAL,
    'roles:',
    '  Global Administrator: { maxDuration: 1h, aliases: [ga] }',
  ]);

  it('finds a role by name in any case', () => {
    expect(rolePolicy(policy, 'Global Administrator').maxDuration).toBe(1 * H);
    expect(rolePolicy(policy, 'GLOBAL administrator').maxDuration).toBe(1 * H);
  });

  it('falls back to the defaults for a role the file does not list', () => {
    expect(rolePolicy(policy, 'Reports Reader')).toBe(policy.defaults);
    expect(rolePolicy(policy, 'ga')).toBe(policy.defaults);
  });
});

describe('effectivePolicy', () => {
  it('changes nothing when PIM is more lenient', () => {
    expect(effectivePolicy(base, lenient)).toEqual(base);
    expect(effectivePolicy(base, { ...lenient, maxDuration: 24 * H })).toEqual(base);
  });

  it('takes the shorter maximum and keeps min and default inside it', () => {
    const result = effectivePolicy(
      { ...base, defaultDuration: 2 * H },
      { ...lenient, maxDuration: 15 * M },
    );
    expect(result).toMatchObject({
      maxDuration: 15 * M,
      minDuration: 15 * M,
      defaultDuration: 15 * M,
    });
    expect(effectivePolicy(base, { ...lenient, maxDuration: 4 * H })).toMatchObject({
      maxDuration: 4 * H,
      defaultDuration: 1 * H,
    });
  });

  it('requires justification, ticket, MFA and approval when PIM does', () => {
    expect(
      effectivePolicy(base, { ...lenient, justificationRequired: true }).justification,
    ).toEqual({ required: true, minLength: 10 });
    expect(effectivePolicy(base, { ...lenient, ticketRequired: true }).ticket).toEqual({
      required: true,
      pattern: '^INC-\\d+$',
    });
    expect(effectivePolicy(base, { ...lenient, mfaRequired: true }).mfaRequired).toBe(true);
    expect(effectivePolicy(base, { ...lenient, approvalRequired: true }).approval).toEqual({
      ...base.approval,
      required: true,
    });
  });

  it('keeps what policy.yaml requires when PIM does not', () => {
    const strict: RolePolicy = {
      ...base,
      approval: { ...base.approval, required: true },
      justification: { required: true, minLength: 20 },
      ticket: { required: true },
      mfaRequired: true,
    };
    expect(effectivePolicy(strict, lenient)).toEqual(strict);
  });

  it("leaves PIM's approval to PIM in delegated mode: chat approval only where policy.yaml asks", () => {
    const delegated: RolePolicy = { ...base, mode: 'delegated' };
    const pim = { ...lenient, approvalRequired: true };
    expect(effectivePolicy(delegated, pim).approval.required).toBe(false);
    const asked = { ...delegated, approval: { ...base.approval, required: true } };
    expect(effectivePolicy(asked, pim).approval.required).toBe(true);
  });

  it('leaves approvers empty when PIM requires approval and policy.yaml names nobody', () => {
    const nobody = { ...base, approval: { ...base.approval, approvers: [] } };
    expect(effectivePolicy(nobody, { ...lenient, approvalRequired: true }).approval).toMatchObject({
      required: true,
      approvers: [],
    });
  });
});

describe('combinePolicies', () => {
  const exchange: RolePolicy = {
    ...base,
    maxDuration: 4 * H,
    minDuration: 15 * M,
    defaultDuration: 2 * H,
    approval: {
      required: true,
      approvers: ['a@x.io', 'b@x.io', 'c@x.io'],
      quorum: 1,
      timeout: 2 * H,
      escalateTo: ['lead@x.io'],
      stepUp: 15 * M,
    },
    justification: { required: true, minLength: 20 },
    propagation: 20 * M,
  };
  const global: RolePolicy = {
    ...base,
    maxDuration: 1 * H,
    minDuration: 30 * M,
    defaultDuration: 1 * H,
    approval: {
      required: true,
      approvers: ['b@x.io', 'c@x.io'],
      quorum: 2,
      timeout: 30 * M,
      escalateTo: [],
      stepUp: 5 * M,
    },
    ticket: { required: true, pattern: '^CHG\\d+$' },
    reminderBefore: 15 * M,
    mfaRequired: true,
    mfa: { maxAge: 2 * M, timeout: 30 * M, contexts: ['c1'] },
    mode: 'delegated',
  };

  it('returns a single policy as it is, and refuses none', () => {
    expect(combinePolicies([exchange])).toBe(exchange);
    expect(() => combinePolicies([])).toThrow();
  });

  it('takes the strictest of two roles in every field', () => {
    expect(combinePolicies([exchange, global])).toEqual({
      maxDuration: 1 * H,
      minDuration: 30 * M,
      defaultDuration: 1 * H,
      approval: {
        required: true,
        approvers: ['b@x.io', 'c@x.io'],
        quorum: 2,
        timeout: 30 * M,
        escalateTo: [],
        stepUp: 5 * M,
      },
      justification: { required: true, minLength: 20 },
      ticket: {
        required: true,
        pattern: '^(?=[\\s\\S]*?(?:^INC-\\d+$))(?=[\\s\\S]*?(?:^CHG\\d+$))',
      },
      reminderBefore: 15 * M,
      propagation: 20 * M,
      mfaRequired: true,
      // The shortest age and wait; every context asked for (exchange has the defaults).
      mfa: { maxAge: 2 * M, timeout: 15 * M, contexts: ['c1'] },
      mode: 'delegated',
    });
  });

  it('takes approvers only from the roles that require approval', () => {
    const helpdesk: RolePolicy = {
      ...base,
      approval: { ...base.approval, required: false, approvers: [], quorum: 5, timeout: 5 * M },
    };
    const three = combinePolicies([exchange, global, helpdesk]);
    expect(three.approval).toEqual(combinePolicies([exchange, global]).approval);
    expect(
      combinePolicies([helpdesk, { ...helpdesk, approval: { ...helpdesk.approval, quorum: 1 } }])
        .approval,
    ).toMatchObject({
      required: false,
      quorum: 5,
    });
  });

  it('intersects approvers of three roles and keeps the default inside the bounds', () => {
    const reader: RolePolicy = {
      ...base,
      minDuration: 45 * M,
      defaultDuration: 30 * M,
      approval: { ...base.approval, required: true, approvers: ['c@x.io', 'a@x.io'] },
      ticket: { required: false, pattern: '^INC-\\d+$' },
    };
    const three = combinePolicies([exchange, global, reader]);
    expect(three.approval.approvers).toEqual(['c@x.io']);
    expect(three).toMatchObject({
      minDuration: 45 * M,
      maxDuration: 1 * H,
      defaultDuration: 45 * M,
    });
    expect(three.ticket.pattern).toBe(combinePolicies([exchange, global]).ticket.pattern);
  });

  it('a joined ticket pattern accepts exactly what every pattern accepts', () => {
    const a: RolePolicy = { ...base, ticket: { required: false, pattern: 'INC' } };
    const b: RolePolicy = { ...base, ticket: { required: false, pattern: '\\d{4}$' } };
    const c: RolePolicy = { ...base, ticket: { required: false } };
    const joined = new RegExp(combinePolicies([a, b, c]).ticket.pattern ?? '');
    for (const ticket of ['INC-1234', 'X-INC1234', 'INC-12', 'CHG-1234', '1234INC']) {
      expect(joined.test(ticket), ticket).toBe(/INC/.test(ticket) && /\d{4}$/.test(ticket));
    }
    expect(combinePolicies([c, c]).ticket).toEqual({ required: false });
  });

  it('leaves stepUp and propagation off when no role sets them', () => {
    const plain = combinePolicies([base, { ...base, maxDuration: 2 * H }]);
    expect(plain.approval.stepUp).toBeUndefined();
    expect(plain.propagation).toBeUndefined();
    expect(plain.mode).toBe('app');
  });
});
