/** Role names in policy.yaml checked against Entra: at start, and later when Entra was away. */
import { describe, expect, it } from 'vitest';
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import type { RoleEntry } from '../../bot/core/domain/target.ts';
import { createLogger } from '../../bot/log.ts';
import { parsePolicy } from '../../bot/policy-file.ts';
import { checkPolicyNames, unknownRoleNames } from '../../bot/policy-names.ts';
import { waitFor } from '../support/wait.ts';

const TEXT = `defaults:
  approval: { approvers: [secops@contoso.com, "group:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"] }
roles:
  Exchange Administrator: { maxDuration: 4h }
  Global Admin: { approval: { quorum: 2 }, maxDuration: 1h }
`;
const role = (name: string): RoleEntry => ({ kind: 'directory_role', id: name, name, aliases: [] });
const ENTRA = [
  'Exchange Administrator',
  'Global Administrator',
  'Global Reader',
  'Helpdesk Administrator',
].map(role);

function policy() {
  const parsed = parsePolicy(TEXT, 'policy.yaml');
  if (!parsed.ok) throw new Error(parsed.error.map((e) => e.message).join('\n'));
  return parsed.value;
}

describe('role names under roles:', () => {
  it('a name Entra does not have is reported with the closest real names', () => {
    const [issue, ...more] = unknownRoleNames(policy(), ENTRA);
    expect(more).toEqual([]);
    expect(issue?.path).toEqual(['roles', 'Global Admin']);
    expect(issue?.message).toContain('did you mean "Global Administrator", "Global Reader"');
  });

  it('a break-glass target written as a role Entra does not have is reported at its line', () => {
    const text = `${TEXT.replace('Global Admin:', 'Global Administrator:')}breakglass:
  allowed: [secops@contoso.com]
  targets: [Exchange Administrator, Helpdesk Admin, group Payments Oncall, Contributor on rg-app]
`;
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(parsed.error.map((e) => e.message).join('\n'));
    const issues = unknownRoleNames(parsed.value, ENTRA);
    expect(issues.map((i) => i.path)).toEqual([['breakglass', 'targets', 1]]);
    expect(issues[0]?.message).toContain('did you mean "Helpdesk Administrator"');
  });

  it('names match Entra regardless of case', () => {
    expect(unknownRoleNames(policy(), [...ENTRA, role('global admin')])).toEqual([]);
  });

  it('stops start-up with policy.yaml:LINE:COL when Entra answers', async () => {
    const refused = await checkPolicyNames({
      policy: policy(),
      source: { file: 'policy.yaml', text: TEXT },
      roles: async () => ENTRA,
      log: createLogger('silent'),
      alert: async () => {},
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain(
      'policy.yaml:5:3: roles."Global Admin": no directory role in Entra is called "Global Admin"',
    );
  });

  it('when Entra is away at start: /readyz says so, then the finding goes to the security channel', async () => {
    const alerts: SecurityAlert[] = [];
    let up = false;
    const names = await checkPolicyNames({
      policy: policy(),
      source: { file: 'policy.yaml', text: TEXT },
      roles: async () => {
        if (!up) throw new Error('Entra is not answering');
        return ENTRA;
      },
      log: createLogger('silent'),
      alert: async (a) => void alerts.push(a),
      retryMs: 20,
    });
    try {
      await expect(names.check.check()).rejects.toThrow(/not checked yet: Entra did not answer/);
      up = true;
      await waitFor(() => alerts.length > 0, 2_000, 'the security channel told');
      expect(alerts[0]).toMatchObject({ kind: 'policy_unknown_roles' });
      expect(alerts[0]?.details[0]).toContain('policy.yaml:5:3: roles."Global Admin"');
      await expect(names.check.check()).rejects.toThrow(/policy.yaml:5:3/);
    } finally {
      names.stop();
    }
  });
});
