/** Eligibility reviews' messages for the catalogue (../errors.ts). */
export const REVIEW_MESSAGES = {
  'review.not_configured': () =>
    'No eligibility reviews are run here. Ask the bot administrators to add a `reviews:` section to policy.yaml, e.g. `reviews: { every: 90d, targets: [Exchange Administrator] }`.',
  'review.target_unknown': (p: { typed: string }) =>
    `\`${p.typed}\` under reviews.targets does not name exactly one target. Write it as in a request: \`Exchange Administrator\`, \`group Payments Oncall\` or \`Contributor on rg-payments\`.`,
  'review.cannot_list': (p: { target: string }) =>
    `elevate cannot list who is eligible for ${p.target} with the PIM connection configured here, so it cannot be reviewed. Check the app's read permissions for that kind of target.`,
  'review.no_reviewers': (p: { target: string }) =>
    `${p.target} has no reviewers: its approvers list is empty. Set reviewers under reviews (or approvers for the target) in policy.yaml.`,
  'review.not_found': (p: { id: string }) =>
    `There is no eligibility review ${p.id}. Run \`/elevate review\` to see the ones open for you.`,
  'review.no_such_person': (p: { id: string }) =>
    `That person is not part of review ${p.id}. Run \`/elevate review\` for the current list.`,
  'review.closed': (p: { target: string }) =>
    `The review of ${p.target} is closed, so nothing more is decided on it. Change eligibility in Entra PIM if something still needs to change.`,
  'review.not_reviewer': (p: { target: string }) =>
    `You are not a reviewer of ${p.target}. The reviewers are listed under reviews in policy.yaml (or are the target's approvers).`,
  'review.self': () => 'You cannot review your own eligibility; another reviewer decides it.',
  'review.already_decided': (p: { name: string; verdict: string; by: string }) =>
    `${p.name} was already ${p.verdict} by ${p.by}.`,
  'review.reason_required': (p: { name: string }) =>
    `Say why ${p.name} should lose the eligibility (at least a few words); PIM keeps it as the justification.`,
  'review.remove_unavailable': (p: { target: string }) =>
    `elevate cannot end eligibility for ${p.target} with the PIM connection configured here. Remove it in Entra PIM yourself and leave it undecided here; the bot administrators can check the app's PIM write permissions.`,
  'review.remove_failed': (p: { name: string; detail: string }) =>
    `PIM did not remove ${p.name}'s eligibility: ${p.detail} Nothing was recorded; try Remove again, or remove it in Entra PIM.`,
  'review.history_not_allowed': () =>
    'Past reviews are for their reviewers, approvers and auditors. Ask the bot administrators if you should be one in policy.yaml.',
} as const;
