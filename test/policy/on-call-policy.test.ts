/** approval.autoApprove.onCall in policy.yaml: the domain form, merging, and its errors. */
import { describe, expect, it } from 'vitest';
import { MINIMAL, parsed, problems } from './helpers.ts';

const OG = '3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9';

describe('on-call auto-approval in policy.yaml', () => {
  it('reads rotations of both providers, with built-in cap and maximum', () => {
    const policy = parsed([
      ...MINIMAL,
      'roles:',
      '  Exchange Administrator:',
      '    approval:',
      '      autoApprove:',
      '        onCall:',
      '          pagerduty: { schedules: [PABC123], escalationPolicies: [PDEF456] }',
      `          opsgenie: { schedules: [${OG}] }`,
      '          maxDuration: 2h',
    ]);
    expect(policy.defaults.approval.autoApprove).toBeUndefined();
    expect(policy.roles.get('Exchange Administrator')?.policy.approval.autoApprove).toEqual({
      onCall: {
        sources: [
          { provider: 'pagerduty', kind: 'schedule', id: 'PABC123' },
          { provider: 'pagerduty', kind: 'escalation_policy', id: 'PDEF456' },
          { provider: 'opsgenie', kind: 'schedule', id: OG },
        ],
        maxPerDay: 3,
        maxDuration: 7200,
      },
    });
  });

  it('a role inherits the defaults’ rule, changes a key of it, or turns it off with null', () => {
    const policy = parsed([
      'defaults:',
      '  approval:',
      '    approvers: [secops@contoso.com]',
      '    autoApprove: { onCall: { pagerduty: { schedules: [PABC123] }, maxPerDay: 5 } }',
      'roles:',
      '  Exchange Administrator: { approval: { autoApprove: { onCall: { maxPerDay: 1 } } } }',
      '  Global Administrator: { approval: { autoApprove: null } }',
      '  Helpdesk Administrator: { approval: { quorum: 1 } }',
    ]);
    const rule = (name: string) => policy.roles.get(name)?.policy.approval.autoApprove?.onCall;
    const sources = [{ provider: 'pagerduty', kind: 'schedule', id: 'PABC123' }];
    expect(rule('Exchange Administrator')).toEqual({ sources, maxPerDay: 1, maxDuration: 3600 });
    expect(rule('Global Administrator')).toBeUndefined();
    expect(rule('Helpdesk Administrator')).toEqual({ sources, maxPerDay: 5, maxDuration: 3600 });
  });

  it('points at a bad id, an unknown key and a rule without rotations', () => {
    expect(
      problems([
        ...MINIMAL,
        '  autoApprove: {}',
        'roles:',
        '  Exchange Administrator:',
        '    approval:',
        '      autoApprove:',
        '        onCall: { pagerduty: { schedules: [payments] }, maxPerDay: 0 }',
        '  Helpdesk Administrator:',
        '    approval: { autoApprove: { onCall: { opsgenie: { schedule: [x] } } } }',
      ]),
    ).toEqual([
      'policy.yaml:3:3: defaults.autoApprove: unknown key "autoApprove"; allowed here: maxDuration, minDuration, defaultDuration, approval, justification, ticket, reminderBefore, propagation, mfa, mode',
      'policy.yaml:8:44: roles."Exchange Administrator".approval.autoApprove.onCall.pagerduty.schedules[0]: "payments" is not a PagerDuty id; write the id from the schedule\'s or escalation policy\'s URL, e.g. PABC123, not its name',
      'policy.yaml:8:68: roles."Exchange Administrator".approval.autoApprove.onCall.maxPerDay: must be at least 1, found 0; write 1 or more',
      'policy.yaml:10:54: roles."Helpdesk Administrator".approval.autoApprove.onCall.opsgenie.schedule: unknown key "schedule"; did you mean schedules? allowed here: schedules',
    ]);
  });

  it('a rule must name a rotation', () => {
    expect(
      problems([
        ...MINIMAL,
        'roles:',
        '  Global Administrator:',
        '    approval: { autoApprove: { onCall: { maxDuration: 1h } } }',
      ]),
    ).toEqual([
      'policy.yaml:5:40: roles."Global Administrator".approval.autoApprove.onCall: on-call auto-approval names no schedule; add pagerduty: { schedules: [PABC123] }, pagerduty: { escalationPolicies: [PDEF456] } or opsgenie: { schedules: [<schedule id>] }',
    ]);
  });
});
