/**
 * Delegated mode's messages for the catalogue (../errors.ts): the requester's own sign-in
 * activates, and PIM's own rules (MFA, justification, ticket, duration, approval) apply.
 */
export const DELEGATED_MESSAGES = {
  'delegated.sign_in_needed': (p: { action: 'activate' | 'end' }) =>
    p.action === 'activate'
      ? 'This role is activated with your own Entra sign-in (delegated mode): sign in with the link, and PIM activates it under its own rules (MFA, approval). The link lasts 10 minutes.'
      : 'Ending this grant early needs a fresh Entra sign-in from you (delegated mode): sign in with the link and PIM deactivates it. Until then it stays active.',
  'delegated.kind_unavailable': (p: { role: string; kind: string }) =>
    `\`${p.role}\` is a ${p.kind}, and delegated activation is not available yet for that kind. Ask the bot administrators to set \`mode: app\` for it in policy.yaml, or activate it in the Entra portal (PIM).`,
  'delegated.sign_in_unavailable': (p: { role: string }) =>
    `\`${p.role}\` is activated with your own Entra sign-in (delegated mode), and this bot has no sign-in from chat set up (PUBLIC_URL and the app credential). Nothing was changed; tell the bot administrators.`,
  'delegated.extend_unavailable': () =>
    'This grant was activated with your own sign-in (delegated mode), and elevate does not extend delegated grants yet (PIM sends a self-extension to its administrators). Submit a new request when it ends, or ask for an extension in the Entra portal (PIM, My roles).',
  'delegated.token_missing': (p: { id: string }) =>
    `The activation of request \`${p.id}\` was interrupted, and delegated mode keeps no sign-in to pick it up again. Nothing more was activated; check PIM in the Entra portal, and submit a new request if the role is not active.`,
  'delegated.mfa_required': (p: { role: string }) =>
    `Entra PIM requires multi-factor authentication to activate \`${p.role}\`, and your sign-in did not use it. Submit the request again and choose MFA when you sign in.`,
  'delegated.justification_required': (p: { role: string }) =>
    `Entra PIM requires a justification to activate \`${p.role}\`. Submit the request again with a reason.`,
  'delegated.ticket_required': (p: { role: string }) =>
    `Entra PIM requires a ticket number to activate \`${p.role}\`. Submit the request again with \`ticket:<number>\`.`,
  'delegated.duration_rejected': (p: { role: string }) =>
    `Entra PIM refused the duration asked for \`${p.role}\`: it is longer than the role's PIM maximum (or none was given). Submit the request again with a shorter duration.`,
  'delegated.not_eligible': (p: { role: string }) =>
    `Entra PIM says you are not eligible for \`${p.role}\` (any more), so nothing was activated. Ask your identity team for an eligible assignment.`,
  'delegated.pending_exists': (p: { role: string }) =>
    `Entra PIM already holds a pending activation request of yours for \`${p.role}\`. Wait for its approvers in PIM, or cancel it in the Entra portal (My roles), then try again.`,
  'delegated.pim_approval_portal': (p: { role: string }) =>
    `Entra PIM holds the activation of \`${p.role}\` for its own approvers, who decide in the Entra portal (PIM, Approve requests); PIM tells you when it is approved. This request ends here.`,
  'delegated.pim_approval_mixed': (p: { role: string }) =>
    `Entra PIM holds \`${p.role}\` for its own approvers, while the other targets of this request were granted. Request \`${p.role}\` on its own: its PIM approvers are then asked from chat.`,
  'delegated.no_pim_approval': (p: { id: string }) =>
    `Request ${p.id} is not waiting for an approval in Entra PIM, so there is nothing to decide there.`,
  'delegated.pim_already_reviewed': (p: { id: string; by: string }) =>
    `Entra PIM's approval of request ${p.id} was already decided by ${p.by}.`,
  'delegated.pim_not_approver': (p: { role: string }) =>
    `Entra PIM does not list you as an approver of \`${p.role}\`, so it refused your decision. PIM's approvers are set in the role's PIM settings (Require approval to activate).`,
  'delegated.pim_denied': (p: { role: string; by: string }) =>
    `${p.by} denied the activation of \`${p.role}\` in Entra PIM, so nothing was granted. Ask them why, or request it again with a better reason.`,
  'delegated.pim_expired': (p: { role: string }) =>
    `Entra PIM's approval of \`${p.role}\` ended without a decision (PIM's own approval window), so nothing was granted. Request it again.`,
  'delegated.too_soon_to_end': (p: { role: string; after: number | null }) =>
    `Azure does not end \`${p.role}\` within 5 minutes of its activation, so it stays active. Ask to end it again ${p.after === null ? 'in a few minutes' : `after ${new Date(p.after).toISOString().slice(11, 16)} UTC`} and sign in once more; otherwise it ends by itself when it expires.`,
  'delegated.refused': (p: { role: string }) =>
    `Entra refused to let your sign-in act on \`${p.role}\`: the app registration is not consented for the delegated permission, or the token was for someone else. Ask the bot administrators to grant the delegated permissions for delegated mode (README, "Delegated mode").`,
} as const;
