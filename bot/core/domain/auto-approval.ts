/**
 * On-call approval as people read it, the same on every card, post and audit line:
 * "on call in PagerDuty schedule Payments Primary (PABC123)".
 */
import type { OnCallProvider } from './policy.ts';
import type { AutoApproval, OnCallFact } from './request.ts';

const PROVIDERS: Record<OnCallProvider, string> = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' };

/** `PagerDuty schedule Payments Primary (PABC123)`; the id alone when no name came back. */
export function rotationName(fact: OnCallFact): string {
  const kind = fact.kind === 'schedule' ? 'schedule' : 'escalation policy';
  const name = fact.name && fact.name !== fact.id ? `${fact.name} (${fact.id})` : fact.id;
  return `${PROVIDERS[fact.provider]} ${kind} ${name}`;
}

/** `on call in PagerDuty schedule X` (and `, Opsgenie schedule Y` for several). */
export function onCallText(approval: AutoApproval): string {
  const names = [...new Set(approval.facts.map(rotationName))];
  return `on call in ${names.join(', ')}`;
}
