import type { Policy } from '../../bot/core/domain/policy.ts';
import { formatPolicyError, parsePolicy } from '../../bot/policy-file.ts';

/** The smallest valid policy: the built-in defaults need somebody to approve. */
export const MINIMAL = ['defaults:', '  approval: { approvers: [secops@contoso.com] }'];

export function parsed(lines: readonly string[]): Policy {
  const result = parsePolicy(lines.join('\n'), 'policy.yaml');
  if (!result.ok)
    throw new Error(`expected a valid policy:\n${result.error.map(formatPolicyError).join('\n')}`);
  return result.value;
}

/** The error lines for a policy that must fail, as loadPolicy prints them. */
export function problems(lines: readonly string[]): string[] {
  const result = parsePolicy(lines.join('\n'), 'policy.yaml');
  if (result.ok) throw new Error('expected the policy to be refused');
  return result.error.map(formatPolicyError);
}
