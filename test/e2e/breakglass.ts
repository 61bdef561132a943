/**
 * The end-to-end policy with break-glass: Alice may activate Exchange or Helpdesk
 * Administrator without approval (at most 1h), acknowledged within 1h; Dave is the backup
 * approver an unacknowledged use escalates to.
 */
import { POLICY } from './world.ts';

const APPROVAL_BEFORE = 'quorum: 1, timeout: 1h }';
if (!POLICY.includes(APPROVAL_BEFORE))
  throw new Error('the end-to-end POLICY changed: update breakglass.ts');

export const BREAKGLASS_POLICY = `${POLICY.replace(
  APPROVAL_BEFORE,
  'quorum: 1, timeout: 1h, escalateTo: [dave@contoso.com] }',
)}breakglass:
  allowed: [alice@contoso.com]
  targets: [Exchange Administrator, Helpdesk Administrator]
  maxDuration: 1h
  reviewWithin: 1h
`;

/** The request id a reply names. */
export const requestIdIn = (text: string): string => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
