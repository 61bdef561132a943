/**
 * The end-to-end policy with on-call approval: Exchange Administrator by PagerDuty schedule
 * PABC123 (up to 2h, 3 a day), Global Administrator by escalation policy PDEF456.
 */
import { POLICY } from './world.ts';

const ROLES_BEFORE =
  '  Exchange Administrator: { aliases: [exchange, exo], maxDuration: 4h, propagation: 20m }\n  Global Administrator: { approval: { quorum: 2 }, maxDuration: 1h }';
if (!POLICY.includes(ROLES_BEFORE))
  throw new Error('the end-to-end POLICY changed: update on-call.ts');

export const ON_CALL_POLICY = POLICY.replace(
  ROLES_BEFORE,
  [
    '  Exchange Administrator:',
    '    aliases: [exchange, exo]',
    '    maxDuration: 4h',
    '    approval: { autoApprove: { onCall: { pagerduty: { schedules: [PABC123] }, maxPerDay: 3, maxDuration: 2h } } }',
    '  Global Administrator:',
    '    maxDuration: 1h',
    '    approval: { quorum: 1, autoApprove: { onCall: { pagerduty: { escalationPolicies: [PDEF456] } } } }',
  ].join('\n'),
);
