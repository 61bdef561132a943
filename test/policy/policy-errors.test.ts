/**
 * Each kind of mistake in policy.yaml: one line with file, line, column, field and the fix.
 * Columns in these tests are counted by hand from the YAML lines shown next to them.
 */
import { describe, expect, it } from 'vitest';
import { MINIMAL, problems } from './helpers.ts';

describe('field errors', () => {
  it('a bad duration, and a number without a unit', () => {
    expect(
      problems([...MINIMAL, '  maxDuration: 8x', '  timeout: 1', '  reminderBefore: 600']),
    ).toEqual([
      'policy.yaml:3:16: defaults.maxDuration: "8x" is not a duration; write a number with a unit (d, h, m, s), e.g. 8h, 30m, 1h30m, or ISO 8601 such as PT2H',
      'policy.yaml:4:3: defaults.timeout: unknown key "timeout"; allowed here: maxDuration, minDuration, defaultDuration, approval, justification, ticket, reminderBefore, propagation, mfa, mode',
      'policy.yaml:5:19: defaults.reminderBefore: 600 has no unit; write the duration with one, e.g. 10m if you meant seconds',
    ]);
  });

  it('an unknown key, with the likely meant one', () => {
    expect(
      problems([
        ...MINIMAL,
        'roles:',
        '  Global Administrator:',
        '    aproval: { quorum: 2 }',
        '    approval: { qourum: 2 }',
      ]),
    ).toEqual([
      'policy.yaml:5:5: roles."Global Administrator".aproval: unknown key "aproval"; did you mean approval? allowed here: aliases, maxDuration, minDuration, defaultDuration, approval, justification, ticket, reminderBefore, propagation, mfa, mode',
      'policy.yaml:6:17: roles."Global Administrator".approval.qourum: unknown key "qourum"; did you mean quorum? allowed here: required, approvers, quorum, timeout, escalateTo, stepUp, extensions, autoApprove',
    ]);
    expect(problems([...MINIMAL, 'sandbox: true'])).toEqual([
      'policy.yaml:3:1: sandbox: unknown key "sandbox"; allowed here: defaults, roles, groups, azureRoles, azure, channels, auditors, identities, alerts, siem, breakglass, reviews, timezone',
    ]);
  });

  it('a quorum of 0 or a fraction', () => {
    expect(
      problems(['defaults:', '  approval: { approvers: [a@contoso.com], quorum: 0 }']),
    ).toEqual([
      'policy.yaml:2:51: defaults.approval.quorum: must be at least 1, found 0; write 1 or more',
    ]);
    expect(
      problems([
        'defaults:',
        '  approval:',
        '    approvers: [a@contoso.com, b@contoso.com]',
        '    quorum: 1.5',
      ]),
    ).toEqual([
      'policy.yaml:4:13: defaults.approval.quorum: expected a whole number from 1 to 100, found 1.5',
    ]);
  });

  it('a ticket pattern that is no regular expression', () => {
    expect(problems([...MINIMAL, '  ticket: { pattern: "(INC-\\\\d+" }'])).toEqual([
      'policy.yaml:3:22: defaults.ticket.pattern: "(INC-\\\\d+" is not a valid regular expression (Unterminated group); fix it, e.g. "^(INC|CHG)-?\\\\d+$" (in double quotes, backslashes are doubled)',
    ]);
  });

  it('an approver that is neither an email nor a group, and one listed twice', () => {
    expect(
      problems([
        'defaults:',
        '  approval:',
        '    approvers:',
        '      - alice',
        '      - group:0f1e',
        '      - a@contoso.com',
        '      - A@Contoso.com',
        'auditors: [audit]',
      ]),
    ).toEqual([
      'policy.yaml:4:9: defaults.approval.approvers[0]: "alice" is neither an email/UPN nor a group; write e.g. secops@contoso.com or group:<object id>',
      `policy.yaml:5:9: defaults.approval.approvers[1]: "group:0f1e" does not name a group: after group: write the group's Entra object id (a GUID), e.g. group:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9`,
      'policy.yaml:7:9: defaults.approval.approvers[3]: a@contoso.com is listed twice; list each approver, auditor or group once',
      'policy.yaml:8:12: auditors[0]: "audit" is neither an email/UPN nor a group; write e.g. secops@contoso.com or group:<object id>',
    ]);
  });

  it('a time zone that is not IANA, at the top and in outsideHours', () => {
    expect(
      problems([
        ...MINIMAL,
        'timezone: CEST',
        'alerts:',
        '  outsideHours: { timezone: Europe/Amsterdm, from: "7am", days: Mon-Fun }',
      ]),
    ).toEqual([
      'policy.yaml:3:11: timezone: "CEST" is not an IANA time zone; write e.g. Europe/Amsterdam, America/New_York or UTC',
      'policy.yaml:5:29: alerts.outsideHours.timezone: "Europe/Amsterdm" is not an IANA time zone; write e.g. Europe/Amsterdam, America/New_York or UTC',
      'policy.yaml:5:52: alerts.outsideHours.from: "7am" is not a time of day; write "HH:MM" on a 24-hour clock, e.g. "07:00" or "19:30"',
      'policy.yaml:5:65: alerts.outsideHours.days: "Mon-Fun" is not a day or range of days; write e.g. Mon-Fri or [Mon, Tue, Wed] (Mon, Tue, Wed, Thu, Fri, Sat, Sun)',
    ]);
  });

  it('an empty list of days', () => {
    expect(problems([...MINIMAL, 'alerts: { outsideHours: { days: [] } }'])).toEqual([
      'policy.yaml:3:33: alerts.outsideHours.days: no days listed; write e.g. Mon-Fri',
    ]);
  });

  it('channel and user ids in the wrong form', () => {
    expect(
      problems([
        ...MINIMAL,
        'channels:',
        '  security: { slack: "#security", teams: General }',
        'identities:',
        '  alice: alice@contoso.com',
        '  U0123ABC: alice',
      ]),
    ).toEqual([
      `policy.yaml:4:22: channels.security.slack: "#security" is not a Slack channel id; write the id from the channel's details (C… or G…), e.g. C0123ABCD, not its #name`,
      'policy.yaml:4:42: channels.security.teams: "General" is not a Teams conversation id; write the id that starts with 19:, e.g. "19:abc@thread.tacv2"',
      'policy.yaml:6:3: identities.alice: "alice" is not a Slack user id; write the member id from the profile, e.g. U0123ABC',
      'policy.yaml:7:13: identities.U0123ABC: "alice" is not an email/UPN; write e.g. alice@contoso.com',
    ]);
  });

  it('wrong types name what was found', () => {
    expect(
      problems([
        ...MINIMAL,
        '  mode: both',
        '  justification: { required: yes }',
        'roles: [Global Administrator]',
      ]),
    ).toEqual([
      'policy.yaml:3:9: defaults.mode: expected app or delegated, found "both"; write mode: app (the default) or mode: delegated',
      'policy.yaml:4:30: defaults.justification.required: expected true or false, found "yes"',
      'policy.yaml:5:8: roles: expected a mapping from role name to its settings, found a list',
    ]);
  });

  it('an alias that would clash with the command grammar', () => {
    expect(
      problems([...MINIMAL, 'roles:', '  Exchange Administrator: { aliases: [help, 2h, "a,b"] }']),
    ).toEqual([
      'policy.yaml:4:39: roles."Exchange Administrator".aliases[0]: "help" is an /elevate command word; write a short name people will type, e.g. exo',
      'policy.yaml:4:45: roles."Exchange Administrator".aliases[1]: "2h" reads as a duration; write a short name people will type, e.g. exo',
      'policy.yaml:4:49: roles."Exchange Administrator".aliases[2]: "a,b" contains a comma, which separates roles in a request; write a short name people will type, e.g. exo',
    ]);
  });
});

describe('YAML syntax errors', () => {
  it('give the line and column', () => {
    const [first, ...rest] = problems(['defaults:', '  maxDuration: 8h', ' minDuration: 30m']);
    expect(first).toMatch(
      /^policy\.yaml:3:\d+: YAML syntax error: .+; check the indentation, colons and quotes here$/,
    );
    expect(rest.every((line) => /^policy\.yaml:\d+:\d+: /.test(line))).toBe(true);
  });

  it('explain a duplicate key and a tab', () => {
    expect(problems([...MINIMAL, 'roles:', '  A: {}', '  A: {}'])).toEqual([
      'policy.yaml:5:3: this key appears twice in the same mapping; keep one and merge what the two say',
    ]);
    expect(problems(['defaults:', '\tmaxDuration: 8h'])[0]).toMatch(
      /^policy\.yaml:2:1: YAML does not allow tabs/,
    );
  });
});
