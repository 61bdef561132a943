/** Rules that span several fields, checked for the defaults and for every merged role. */
import { describe, expect, it } from 'vitest';
import { MINIMAL, parsed, problems } from './helpers.ts';

describe('duration order', () => {
  it('min above max in the defaults', () => {
    expect(problems([...MINIMAL, '  maxDuration: 1h', '  minDuration: 2h'])).toEqual([
      'policy.yaml:4:16: defaults.minDuration: minDuration 2h is longer than maxDuration 1h; write a minDuration of at most 1h, or a longer maxDuration',
    ]);
  });

  it('a role max below the inherited default points at the role and says where the default comes from', () => {
    expect(
      problems([
        ...MINIMAL,
        '  defaultDuration: 2h',
        'roles:',
        '  Global Administrator:',
        '    maxDuration: 1h',
      ]),
    ).toEqual([
      'policy.yaml:6:18: roles."Global Administrator".maxDuration: defaultDuration 2h (from defaults) is longer than maxDuration 1h; write a defaultDuration from 30m to 1h',
    ]);
  });

  it('a default below min, and a role max below the built-in min', () => {
    expect(
      problems([
        ...MINIMAL,
        '  defaultDuration: 10m',
        'roles:',
        '  Reader: { maxDuration: 15m, defaultDuration: 10m }',
      ]),
    ).toEqual([
      'policy.yaml:3:20: defaults.defaultDuration: minDuration 30m (built-in default) is longer than defaultDuration 10m; write a defaultDuration from 30m to 8h',
      'policy.yaml:5:26: roles.Reader.maxDuration: minDuration 30m (built-in default) is longer than maxDuration 15m; write a minDuration of at most 15m, or a longer maxDuration',
    ]);
  });

  it('reminderBefore must be shorter than maxDuration', () => {
    expect(
      problems([
        ...MINIMAL,
        'roles:',
        '  Reader: { maxDuration: 10m, minDuration: 5m, defaultDuration: 5m }',
      ]),
    ).toEqual([
      'policy.yaml:4:26: roles.Reader.maxDuration: reminderBefore 10m (built-in default) is as long as maxDuration 10m; the reminder must come after the grant starts; write a reminderBefore shorter than 10m, e.g. 5m',
    ]);
  });

  it('roles that only inherit a conflict are not reported twice', () => {
    const lines = problems([
      ...MINIMAL,
      '  maxDuration: 20m',
      'roles:',
      '  A: { aliases: [a] }',
      '  B: { aliases: [b] }',
    ]);
    expect(lines).toHaveLength(1);
    expect(lines.every((l) => l.startsWith('policy.yaml:3:'))).toBe(true);
  });

  it('a consistent policy passes', () => {
    const policy = parsed([
      ...MINIMAL,
      'roles:',
      '  Reader: { maxDuration: 20m, minDuration: 5m, defaultDuration: 15m, reminderBefore: 5m }',
    ]);
    expect(policy.roles.get('Reader')?.policy).toMatchObject({
      maxDuration: 1200,
      minDuration: 300,
      defaultDuration: 900,
      reminderBefore: 300,
    });
  });
});

describe('approvers', () => {
  it('approval required by default with nobody to approve', () => {
    expect(problems(['timezone: UTC'])).toEqual([
      'policy.yaml:1:1: defaults: approval is required by default but no approvers are listed; add approval: { approvers: [secops@contoso.com, group:<object id>] }, or approval: { required: false } to activate without approval',
    ]);
  });

  it('a role that requires approval but empties the list', () => {
    expect(problems([...MINIMAL, 'roles:', '  A:', '    approval: { approvers: [] }'])).toEqual([
      'policy.yaml:5:28: roles.A.approval.approvers: approval is required but no approvers are listed; add approval: { approvers: [secops@contoso.com, group:<object id>] }, or approval: { required: false } to activate without approval',
    ]);
  });

  it('a role that turns approval on where the defaults have none', () => {
    expect(
      problems([
        'defaults:',
        '  approval: { required: false }',
        'roles:',
        '  A: { approval: { required: true } }',
      ]),
    ).toEqual([
      'policy.yaml:4:30: roles.A.approval.required: approval is required but no approvers are listed; add approval: { approvers: [secops@contoso.com, group:<object id>] }, or approval: { required: false } to activate without approval',
    ]);
    expect(
      parsed(['defaults:', '  approval: { required: false }']).defaults.approval.approvers,
    ).toEqual([]);
  });

  it('a quorum larger than the people listed', () => {
    expect(
      problems([...MINIMAL, 'roles:', '  Global Administrator: { approval: { quorum: 2 } }']),
    ).toEqual([
      'policy.yaml:4:47: roles."Global Administrator".approval.quorum: quorum 2 needs 2 different approvers but only 1 is listed; list more approvers or a group:<object id>, or write quorum: 1',
    ]);
  });

  it('a quorum is not limited when a group is listed', () => {
    const policy = parsed([
      'defaults:',
      '  approval: { approvers: [a@contoso.com, group:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9], quorum: 3 }',
    ]);
    expect(policy.defaults.approval.quorum).toBe(3);
  });
});

describe('names', () => {
  it('an alias used twice, or equal to another role name', () => {
    expect(
      problems([
        ...MINIMAL,
        'roles:',
        '  Exchange Administrator: { aliases: [exo, EXO] }',
        '  Exchange Recipient Administrator: { aliases: [Exo, exchange administrator] }',
      ]),
    ).toEqual([
      'policy.yaml:4:44: roles."Exchange Administrator".aliases[1]: alias "EXO" is listed twice; list it once',
      'policy.yaml:5:49: roles."Exchange Recipient Administrator".aliases[0]: alias "Exo" already names "Exchange Administrator"; each alias must name one role, so pick another',
      'policy.yaml:5:54: roles."Exchange Recipient Administrator".aliases[1]: alias "exchange administrator" already names "Exchange Administrator"; each alias must name one role, so pick another',
    ]);
  });

  it('the same role twice in different case', () => {
    expect(
      problems([...MINIMAL, 'roles:', '  Global Administrator: {}', '  global administrator: {}']),
    ).toEqual([
      'policy.yaml:5:3: roles."global administrator": this role is already listed as "Global Administrator" (role names ignore case); merge the two entries into one',
    ]);
  });

  it('outside hours that start when they end', () => {
    expect(
      problems([...MINIMAL, 'alerts:', '  outsideHours: { from: "08:00", to: "08:00" }']),
    ).toEqual([
      'policy.yaml:4:38: alerts.outsideHours.to: from and to are both 08:00, which leaves no working hours; write e.g. from: "07:00", to: "19:00"',
    ]);
  });
});
