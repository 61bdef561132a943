/**
 * On-call lookups for policy approval.autoApprove.onCall, from the tokens in the environment.
 * A policy that names a provider without its token stops start-up: accepted as written, the
 * rule would silently never approve anyone.
 */
import { onCallLookup } from '../adapters/oncall/index.ts';
import { type Config, ConfigError } from './config.ts';
import type { OnCallProvider, Policy } from './core/domain/policy.ts';
import type { Clock } from './core/ports/clock.ts';
import type { Logger } from './core/ports/logger.ts';
import type { OnCallLookup } from './core/ports/on-call.ts';

const TOKENS: Record<OnCallProvider, string> = {
  pagerduty: 'PAGERDUTY_TOKEN',
  opsgenie: 'OPSGENIE_TOKEN',
};

/** The providers policy.yaml names anywhere, with where (defaults or a role). */
export function onCallProviders(policy: Policy): Map<OnCallProvider, string> {
  const named = new Map<OnCallProvider, string>();
  const scopes: [string, Policy['defaults']][] = [
    ['defaults', policy.defaults],
    ...[...policy.roles].map(([name, role]): [string, Policy['defaults']] => [
      `roles.${JSON.stringify(name)}`,
      role.policy,
    ]),
  ];
  for (const [where, p] of scopes)
    for (const source of p.approval.autoApprove?.onCall?.sources ?? [])
      if (!named.has(source.provider)) named.set(source.provider, where);
  return named;
}

/** Undefined when the policy asks for no on-call approval. Throws ConfigError on a missing token. */
export function onCallWiring(
  config: Config,
  policy: Policy,
  clock: Clock,
  log: Logger,
): OnCallLookup | undefined {
  const named = onCallProviders(policy);
  if (named.size === 0) return undefined;
  for (const [provider, where] of named) {
    if (config.onCall[provider]) continue;
    throw new ConfigError(
      `${TOKENS[provider]} is missing: policy.yaml ${where}.approval.autoApprove.onCall names ${provider}, and without its API token nobody could be found on call. Set ${TOKENS[provider]}, or remove ${provider} from the policy.`,
    );
  }
  const lookup = onCallLookup(config.onCall, clock);
  return {
    async onCall(email, sources) {
      const answer = await lookup.onCall(email, sources);
      for (const failure of answer.failures)
        log.warn(
          { provider: failure.provider, problem: failure.message },
          'on-call check failed: the request goes to the approvers',
        );
      return answer;
    },
  };
}
