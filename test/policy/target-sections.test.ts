/** policy.yaml's sections for the other two kinds of PIM target: groups:, azureRoles:, azure:. */
import { describe, expect, it } from 'vitest';
import { targetPolicy } from '../../bot/core/domain/effective-policy.ts';
import { parsePolicy } from '../../bot/policy-file.ts';

const parse = (text: string) => parsePolicy(text, 'policy.yaml');
const APPROVERS = 'defaults: { approval: { approvers: [bob@contoso.com] } }\n';
/** `line:column path: message` of each problem in `text` (after the defaults line). */
const messages = (text: string) => {
  const r = parse(APPROVERS + text);
  return r.ok ? [] : r.error.map((e) => `${e.line - 1}:${e.column} ${e.path}: ${e.message}`);
};

describe('groups:, azureRoles: and azure:', () => {
  it('applies each section to its own kind, over the defaults', () => {
    const r = parse(`
defaults: { maxDuration: 8h, approval: { approvers: [bob@contoso.com] } }
roles:
  Contributor: { maxDuration: 3h }
groups:
  Payments Oncall: { aliases: [oncall], maxDuration: 4h }
azureRoles:
  Contributor: { maxDuration: 1h }
azure:
  scopes: [/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f/]
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value;
    expect(p.azure?.scopes).toEqual(['/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f']);
    expect(targetPolicy(p, { kind: 'group', name: 'payments oncall' }).maxDuration).toBe(4 * 3600);
    expect(targetPolicy(p, { kind: 'azure_role', name: 'Contributor' }).maxDuration).toBe(3600);
    // The same name under roles: is a directory role's entry, not the Azure role's.
    expect(targetPolicy(p, { kind: 'directory_role', name: 'Contributor' }).maxDuration).toBe(
      3 * 3600,
    );
    expect(targetPolicy(p, { kind: 'group', name: 'Other' }).maxDuration).toBe(8 * 3600);
  });

  it('refuses Azure roles without scopes, and a scope that is not one, with its line', () => {
    const noScopes = messages('azureRoles:\n  Contributor: { maxDuration: 1h }\n');
    expect(noScopes).toHaveLength(1);
    expect(noScopes[0]).toMatch(
      /^1:1 azureRoles: Azure roles need the scopes the bot looks in; add azure: \{ scopes:/,
    );
    const badScope = messages('azure:\n  scopes: [rg-payments]\n');
    expect(badScope).toHaveLength(1);
    expect(badScope[0]).toMatch(
      /^2:12 azure\.scopes\[0\]: expected \/subscriptions\/<subscription id>/,
    );
    expect(messages('groups:\n  Payments: { maxDuration: soon }\n')[0]).toMatch(
      /^2:\d+ groups\.Payments\.maxDuration: /,
    );
  });

  it('refuses the same group twice in different case', () => {
    expect(messages('groups:\n  Payments: {}\n  payments: {}\n')[0]).toMatch(
      /^3:3 groups\.payments: this role is already listed as "Payments"/,
    );
  });
});
