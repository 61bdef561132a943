/**
 * The OnCallLookup port over PagerDuty and Opsgenie: each rotation asked for goes to its
 * provider; a provider that is not configured, or fails, is reported as a failure, so the
 * request goes to the approvers (start-up refuses a policy that names an unconfigured one).
 */
import type { OnCallProvider, OnCallSource } from '../../bot/core/domain/policy.ts';
import type { OnCallFact } from '../../bot/core/domain/request.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import type { OnCallAnswer, OnCallFailure, OnCallLookup } from '../../bot/core/ports/on-call.ts';
import { OpsgenieOnCall, type OpsgenieSettings } from './opsgenie.ts';
import { PagerDutyOnCall, type PagerDutySettings } from './pagerduty.ts';

export interface OnCallSettings {
  readonly pagerduty?: PagerDutySettings;
  readonly opsgenie?: OpsgenieSettings;
}

interface Provider {
  onCall(
    email: string,
    sources: readonly OnCallSource[],
    now: number,
  ): Promise<{ onCall: OnCallFact[]; failure?: OnCallFailure }>;
}

const NAMES: Record<OnCallProvider, string> = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' };

export function onCallLookup(settings: OnCallSettings, clock: Clock): OnCallLookup {
  const providers: Partial<Record<OnCallProvider, Provider>> = {
    ...(settings.pagerduty ? { pagerduty: new PagerDutyOnCall(settings.pagerduty) } : {}),
    ...(settings.opsgenie ? { opsgenie: new OpsgenieOnCall(settings.opsgenie) } : {}),
  };
  return {
    async onCall(email: string, sources: readonly OnCallSource[]): Promise<OnCallAnswer> {
      const now = clock.now();
      const asked = [...new Set(sources.map((s) => s.provider))];
      const answers = await Promise.all(
        asked.map(async (name) => {
          const provider = providers[name];
          if (!provider) {
            const message = `${NAMES[name]} is not configured (no API token)`;
            return { onCall: [], failure: { provider: name, message } };
          }
          const mine = sources.filter((s) => s.provider === name);
          return provider.onCall(email, mine, now);
        }),
      );
      return {
        onCall: answers.flatMap((a) => a.onCall),
        failures: answers.flatMap((a) => (a.failure ? [a.failure] : [])),
      };
    },
  };
}
