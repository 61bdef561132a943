import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy, PolicyError } from '../../bot/policy-file.ts';
import { MINIMAL, parsed, problems } from './helpers.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const H = 3_600;
const M = 60;

describe('policy.example.yaml', () => {
  const policy = loadPolicy(join(root, 'policy.example.yaml'));

  it('loads the defaults as written', () => {
    expect(policy.defaults).toEqual({
      maxDuration: 8 * H,
      minDuration: 30 * M,
      defaultDuration: 1 * H,
      approval: {
        required: true,
        approvers: ['secops@contoso.com', 'group:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'],
        quorum: 1,
        timeout: 1 * H,
        escalateTo: ['secops-lead@contoso.com'],
        extensions: 'allow',
      },
      justification: { required: true, minLength: 10 },
      ticket: { required: false, pattern: '^(INC|CHG)-?\\d+$' },
      reminderBefore: 10 * M,
      mfaRequired: false,
      mfa: { maxAge: 5 * M, timeout: 15 * M, contexts: [] },
      mode: 'app',
    });
  });

  it('merges each role over the defaults', () => {
    expect([...policy.roles.keys()]).toEqual([
      'Exchange Administrator',
      'Global Administrator',
      'Helpdesk Administrator',
    ]);
    const exchange = policy.roles.get('Exchange Administrator');
    expect(exchange?.aliases).toEqual(['exchange', 'exo']);
    expect(exchange?.policy).toEqual({
      ...policy.defaults,
      maxDuration: 4 * H,
      propagation: 20 * M,
    });
    const global = policy.roles.get('Global Administrator')?.policy;
    expect(global).toEqual({
      ...policy.defaults,
      maxDuration: 1 * H,
      approval: { ...policy.defaults.approval, quorum: 2, extensions: 'reapprove' },
    });
    const helpdesk = policy.roles.get('Helpdesk Administrator')?.policy;
    expect(helpdesk?.approval).toEqual({ ...policy.defaults.approval, required: false });
  });

  it('loads channels, auditors, identities, alerts and the time zone', () => {
    expect(policy.channels).toEqual({
      security: { slack: 'C0SECURITY', teams: '19:abc@thread.tacv2' },
      approvals: { slack: 'C0APPROVALS', teams: '19:def@thread.tacv2' },
    });
    expect(policy.auditors).toEqual([
      'audit@contoso.com',
      'group:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
    ]);
    expect([...policy.identities]).toEqual([['U0123ABC', 'alice@contoso.com']]);
    expect(policy.alerts).toEqual({
      scanEvery: 15 * M,
      tooFrequent: { count: 3, window: 24 * H },
      staleAccounts: { days: 90 },
      tooManyGlobalAdmins: { max: 5, percent: 10 },
      outsideHours: {
        timezone: 'Europe/Amsterdam',
        from: '07:00',
        to: '19:00',
        days: [1, 2, 3, 4, 5],
      },
      cooldown: 24 * H,
    });
    expect(policy.timezone).toBe('UTC');
  });
});

describe('defaults', () => {
  it('fill in everything a minimal policy leaves out', () => {
    const policy = parsed(MINIMAL);
    expect(policy.defaults).toEqual({
      maxDuration: 8 * H,
      minDuration: 30 * M,
      defaultDuration: 1 * H,
      approval: {
        required: true,
        approvers: ['secops@contoso.com'],
        quorum: 1,
        timeout: 1 * H,
        escalateTo: [],
        extensions: 'allow',
      },
      justification: { required: true, minLength: 10 },
      ticket: { required: false },
      reminderBefore: 10 * M,
      mfaRequired: false,
      mfa: { maxAge: 5 * M, timeout: 15 * M, contexts: [] },
      mode: 'app',
    });
    expect(policy.roles.size).toBe(0);
    expect(policy.channels).toEqual({ security: {}, approvals: {} });
    expect(policy.auditors).toEqual([]);
    expect(policy.identities.size).toBe(0);
    expect(policy.alerts).toEqual({
      scanEvery: 15 * M,
      tooFrequent: { count: 3, window: 24 * H },
      staleAccounts: { days: 90 },
      tooManyGlobalAdmins: { max: 5, percent: 10 },
      cooldown: 24 * H,
    });
    expect(policy.timezone).toBe('UTC');
  });

  it('fill in the parts of a section that is only partly written', () => {
    const policy = parsed([
      ...MINIMAL,
      'timezone: Europe/Berlin',
      'alerts:',
      '  tooFrequent: { count: 5 }',
      '  outsideHours: { from: "08:30" }',
    ]);
    expect(policy.alerts.tooFrequent).toEqual({ count: 5, window: 24 * H });
    expect(policy.alerts.outsideHours).toEqual({
      timezone: 'Europe/Berlin',
      from: '08:30',
      to: '19:00',
      days: [1, 2, 3, 4, 5],
    });
  });

  it('treat an empty section as absent and accept every duration form', () => {
    const policy = parsed([
      ...MINIMAL,
      '  maxDuration: PT2H',
      '  minDuration: 90s',
      '  defaultDuration: 1h30m',
      'roles:',
      'channels:',
    ]);
    expect(policy.defaults).toMatchObject({
      maxDuration: 2 * H,
      minDuration: 90,
      defaultDuration: 90 * M,
    });
    expect(policy.roles.size).toBe(0);
  });

  it('lowercase people and groups, and read days as ISO weekday numbers', () => {
    const policy = parsed([
      'defaults:',
      '  approval: { approvers: [SecOps@Contoso.com, GROUP:0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9] }',
      'alerts:',
      '  outsideHours: { days: [sun, Fri-Mon, wednesday] }',
    ]);
    expect(policy.defaults.approval.approvers).toEqual([
      'secops@contoso.com',
      'group:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
    ]);
    expect(policy.alerts.outsideHours?.days).toEqual([1, 3, 5, 6, 7]);
  });
});

describe('per-role merge', () => {
  const policy = parsed([
    'defaults:',
    '  approval: { approvers: [a@contoso.com, b@contoso.com], quorum: 1, timeout: 2h, stepUp: 15m }',
    '  justification: { required: true, minLength: 20 }',
    '  ticket: { required: true, pattern: "^INC\\\\d+$" }',
    'roles:',
    '  Security Administrator:',
    '    approval: { quorum: 2 }',
    '    justification: { minLength: 40 }',
    '    ticket: { required: false }',
    '    mfa: { required: true }',
    '    mode: app',
    '  Reports Reader:',
    '    approval: { approvers: [c@contoso.com], stepUp: null }',
    '    ticket: { pattern: null }',
  ]);

  it('keeps the default keys a role does not set', () => {
    const security = policy.roles.get('Security Administrator')?.policy;
    expect(security?.approval).toEqual({
      required: true,
      approvers: ['a@contoso.com', 'b@contoso.com'],
      quorum: 2,
      timeout: 2 * H,
      escalateTo: [],
      stepUp: 15 * M,
      extensions: 'allow',
    });
    expect(security?.justification).toEqual({ required: true, minLength: 40 });
    expect(security?.ticket).toEqual({ required: false, pattern: '^INC\\d+$' });
    expect(security?.mfaRequired).toBe(true);
    expect(security?.mode).toBe('app');
  });

  it('replaces lists instead of adding to them, and null turns an inherited value off', () => {
    const reader = policy.roles.get('Reports Reader')?.policy;
    expect(reader?.approval.approvers).toEqual(['c@contoso.com']);
    expect(reader?.approval.stepUp).toBeUndefined();
    expect(reader?.ticket).toEqual({ required: true });
    expect(policy.defaults.ticket.pattern).toBe('^INC\\d+$');
  });
});

describe('mode: delegated', () => {
  it('is accepted for directory roles, per role and in the defaults', () => {
    const mode = (lines: string[]) => {
      const r = parsed(lines);
      return [r.defaults.mode, r.roles.get('Exchange Administrator')?.policy.mode];
    };
    expect(
      mode([
        ...MINIMAL,
        '  mode: app',
        'roles:',
        '  Exchange Administrator:',
        '    maxDuration: 4h',
        '    mode: delegated',
      ]),
    ).toEqual(['app', 'delegated']);
    expect(
      mode([...MINIMAL, '  mode: delegated', 'roles:', '  Exchange Administrator: {}']),
    ).toEqual(['delegated', 'delegated']);
  });

  it('is accepted for Azure roles with azure.scopes, where written or inherited', () => {
    const policy = parsed([
      ...MINIMAL,
      '  mode: delegated',
      'azureRoles:',
      '  Contributor:',
      '    maxDuration: 4h',
      '  Reader:',
      '    mode: app',
      'azure:',
      '  scopes: [/subscriptions/00000000-0000-0000-0000-000000000000]',
    ]);
    expect(policy.azureRoles?.get('Contributor')?.policy.mode).toBe('delegated');
    expect(policy.azureRoles?.get('Reader')?.policy.mode).toBe('app');
  });

  it('is refused for Azure roles without azure.scopes, saying to add them', () => {
    expect(problems([...MINIMAL, 'azureRoles:', '  Contributor:', '    mode: delegated'])).toEqual([
      'policy.yaml:3:1: azureRoles: Azure roles need the scopes the bot looks in (in delegated mode too: it reads eligibility there, and the requester activates through Azure Resource Manager); add azure: { scopes: [/subscriptions/<id>] } (or a management group)',
    ]);
  });
});

describe('loadPolicy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file is missing and how to start', () => {
    const path = join(dir, 'nowhere.yaml');
    expect(() => loadPolicy(path)).toThrow(PolicyError);
    expect(() => loadPolicy(path)).toThrow(
      `policy file ${path} not found. Copy policy.example.yaml to ${path}`,
    );
  });

  it('throws every problem, one a line, after a header', () => {
    const path = join(dir, 'policy.yaml');
    writeFileSync(
      path,
      [
        'defaults:',
        '  maxDuration: 8x',
        '  approval: { quorum: 0, approvers: [a@contoso.com] }',
      ].join('\n'),
    );
    let thrown: unknown;
    try {
      loadPolicy(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    const error = thrown instanceof PolicyError ? thrown : new PolicyError('');
    expect(error.message.split('\n')).toEqual([
      `${path} has 2 problems; fix and start again:`,
      `${path}:2:16: defaults.maxDuration: "8x" is not a duration; write a number with a unit (d, h, m, s), e.g. 8h, 30m, 1h30m, or ISO 8601 such as PT2H`,
      `${path}:3:23: defaults.approval.quorum: must be at least 1, found 0; write 1 or more`,
    ]);
    expect(error.errors.map((e) => [e.line, e.column, e.path])).toEqual([
      [2, 16, 'defaults.maxDuration'],
      [3, 23, 'defaults.approval.quorum'],
    ]);
  });

  it('refuses an empty file', () => {
    expect(problems([''])).toEqual([
      'policy.yaml:1:1: the file is empty; start from a copy of policy.example.yaml',
    ]);
  });
});

describe('mfa settings', () => {
  it('merge key by key over the defaults, and null turns an inherited context off', () => {
    const policy = parsed([
      ...MINIMAL,
      '  mfa: { maxAge: 2m, authenticationContext: c1 }',
      'roles:',
      '  Security Administrator: { mfa: { required: true, timeout: 10m } }',
      '  Reports Reader: { mfa: { authenticationContext: null } }',
    ]);
    expect(policy.defaults.mfa).toEqual({ maxAge: 2 * M, timeout: 15 * M, contexts: ['c1'] });
    expect(policy.roles.get('Security Administrator')?.policy).toMatchObject({
      mfaRequired: true,
      mfa: { maxAge: 2 * M, timeout: 10 * M, contexts: ['c1'] },
    });
    expect(policy.roles.get('Reports Reader')?.policy.mfa?.contexts).toEqual([]);
  });

  it('refuses an authentication context that is not c1 to c99', () => {
    expect(problems([...MINIMAL, '  mfa: { authenticationContext: mfa }'])).toEqual([
      'policy.yaml:3:33: defaults.mfa.authenticationContext: expected a Conditional Access authentication context id from c1 to c99, e.g. c1',
    ]);
  });
});
