/**
 * The one catalogue of user-facing errors. Every message says what happened and what to do
 * next. Codes are stable: logs, metrics and tests use them.
 *
 * Messages are platform-neutral plain text with `code` spans only: no chat platform's markup,
 * product names or button labels. A chat adapter may word a code in its platform's terms
 * (cards/slack/error-text.ts); otherwise it shows `message` as it is, escaping user-supplied
 * values (role names, reasons) on the way.
 */
import { formatDuration } from './domain/duration.ts';
import { DELEGATED_MESSAGES } from './error-messages/delegated.ts';
import { REVIEW_MESSAGES } from './error-messages/reviews.ts';

const usage =
  '`/elevate <role> <duration> <reason>`, e.g. `/elevate Exchange Administrator 2h fixing mail flow INC-4711`';
const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

const catalogue = {
  // --- commands -------------------------------------------------------------------------
  'command.empty': () =>
    `Tell me what you need: ${usage}. Type \`/elevate help\` for all commands.`,
  'command.too_long': (p: { max: number }) =>
    `That command is longer than ${p.max} characters. Shorten the reason and try again.`,
  'command.missing_role': () =>
    `Which role do you need? ${usage}. \`/elevate roles\` lists the roles you can activate.`,
  'command.missing_duration': () =>
    'How long do you need it? Add a duration such as `30m`, `2h`, `1h30m` or `PT2H` after the role.',
  'command.missing_reason': () =>
    'Why do you need it? Add a reason after the duration, e.g. `… 2h fixing mail flow INC-4711`.',
  'command.bad_duration': (p: { text: string }) =>
    `\`${p.text}\` is not a duration. Use forms like \`90s\`, \`30m\`, \`2h\`, \`1h30m\`, \`1d\` or \`PT2H\`.`,
  'command.unknown_role': (p: { name: string; suggestions: readonly string[] }) =>
    p.suggestions.length > 0
      ? `There is no role called \`${p.name}\`. Did you mean ${list(p.suggestions)}? \`/elevate roles\` lists yours.`
      : `There is no role called \`${p.name}\`. \`/elevate roles\` lists the roles you can activate.`,
  'command.ambiguous_role': (p: { name: string; matches: readonly string[] }) =>
    `\`${p.name}\` matches several roles: ${list(p.matches)}. Type more of the name.`,
  'command.group_name_missing': () =>
    'Name the group after `group`, e.g. `/elevate group Payments Oncall 2h fixing the pager rota`. `/elevate roles` lists the groups you can activate.',
  'command.scope_missing': (p: { role: string }) =>
    `Say where after \`on\`, e.g. \`/elevate ${p.role || 'Contributor'} on rg-payments 2h …\` (a subscription, resource group or resource name, or its full id).`,
  'command.duplicate_role': (p: { role: string }) =>
    `\`${p.role}\` is listed twice. Name each role once.`,
  'command.bad_start': (p: { text: string }) =>
    `\`${p.text}\` is not a start time. Use \`at 14:00\`, \`at 2026-12-01T09:00Z\` or \`in 2h\`.`,
  'command.start_in_past': (p: { text: string }) =>
    `The start \`${p.text}\` is in the past. Leave out \`at\` to start as soon as approved, or pick a later time.`,
  'command.start_too_far': (p: { text: string; maxDays: number }) =>
    `The start \`${p.text}\` is more than ${p.maxDays} days ahead. Request closer to the time you need it.`,
  'command.bad_scope': (p: { text: string }) =>
    `\`${p.text}\` is not a scope. Use \`/\` for the whole directory, an administrative unit id, or an Azure resource path such as \`/subscriptions/<id>\`.`,
  'command.bad_ticket': (p: { text: string }) =>
    `\`${p.text}\` is not a ticket id. Use letters, digits and \`-\`, e.g. \`ticket INC-4711\`.`,
  'command.missing_argument': (p: { command: string; argument: string; example: string }) =>
    `\`/elevate ${p.command}\` needs ${p.argument}, e.g. \`${p.example}\`.`,
  'command.bad_argument': (p: { command: string; text: string; example: string }) =>
    `\`${p.text}\` does not fit \`/elevate ${p.command}\`. Try \`${p.example}\`.`,

  // --- policy ---------------------------------------------------------------------------
  'policy.duration_too_short': (p: { role: string; min: number }) =>
    `\`${p.role}\` must be requested for at least ${formatDuration(p.min)}. Ask for ${formatDuration(p.min)} or more.`,
  'policy.duration_too_long': (p: { role: string; max: number }) =>
    `\`${p.role}\` can be activated for at most ${formatDuration(p.max)}. Ask for ${formatDuration(p.max)} or less; you can extend later.`,
  'policy.justification_required': (p: { role: string }) =>
    `\`${p.role}\` needs a reason. Add one after the duration.`,
  'policy.justification_too_short': (p: { role: string; minLength: number }) =>
    `The reason for \`${p.role}\` must be at least ${p.minLength} characters. Say what you will do and why.`,
  'policy.ticket_required': (p: { role: string }) =>
    `\`${p.role}\` needs a ticket. Add \`ticket <id>\`, e.g. \`ticket INC-4711\`.`,
  'policy.ticket_format': (p: { role: string; ticket: string; pattern: string }) =>
    `Ticket \`${p.ticket}\` does not match the format required for \`${p.role}\` (\`${p.pattern}\`). Check the ticket id.`,
  'policy.not_eligible': (p: { role: string; scope: string }) =>
    `You are not eligible for \`${p.role}\`${p.scope === '/' ? '' : ` on \`${p.scope}\``} in Entra PIM. Ask your identity team to make you eligible, then try again.`,
  'policy.kind_not_configured': (p: { kind: string }) =>
    p.kind === 'azure_role'
      ? 'Azure roles are not set up for this bot: an administrator adds `azure: { scopes: [...] }` to policy.yaml and gives the bot its Azure RBAC role (README, "Azure resource roles").'
      : `This bot is not set up for ${p.kind} targets. Ask the bot administrators.`,
  'policy.no_such_group': (p: { name: string; groups: readonly string[] }) =>
    p.groups.length > 0
      ? `You are not eligible for a PIM group called \`${p.name}\`. Yours: ${list(p.groups)}. Check the name, or ask your identity team to make you eligible.`
      : `You are not eligible for a PIM group called \`${p.name}\`, nor for any other group in PIM. Ask your identity team to make you eligible, then try again.`,
  'policy.group_access': (p: { group: string; access: string; held: string }) =>
    `You are eligible for \`${p.group}\` as ${p.held}, not as ${p.access}. Ask for \`group ${p.group}${p.held === 'owner' ? ' owner' : ''}\`, or ask your identity team to make you eligible for ${p.access === 'owner' ? 'ownership' : 'membership'}.`,
  'policy.no_such_azure_role': (p: { name: string; roles: readonly string[] }) =>
    p.roles.length > 0
      ? `You are not eligible for an Azure role called \`${p.name}\` in the scopes the bot looks at. Yours: ${list(p.roles)}.`
      : `You are not eligible for an Azure role called \`${p.name}\`, nor for any other Azure role in the scopes the bot looks at. Ask your identity team to make you eligible in PIM.`,
  'policy.outside_scope': (p: { role: string; on: string; scopes: readonly string[] }) =>
    `\`${p.on}\` is not within a scope where you are eligible for \`${p.role}\`. Eligible: ${list(p.scopes)}. Name one of them or a resource group or resource inside one.`,
  'policy.ambiguous_scope': (p: { role: string; on: string; matches: readonly string[] }) =>
    `\`${p.on}\` names several scopes for \`${p.role}\`: ${list(p.matches)}. Give the full id instead.`,
  'policy.no_common_approver': (p: { roles: readonly string[] }) =>
    `No approver in the policy may approve all of ${list(p.roles)} together. Request them separately.`,
  'policy.mfa_unavailable': (p: {
    role: string;
    source: 'mfa.required' | 'approval.stepUp' | 'pim';
  }) =>
    `\`${p.role}\` needs an MFA sign-in${p.source === 'approval.stepUp' ? ' from its approvers' : ''}, and sign-in from chat is not set up on this bot, so nothing was granted. Activate it in the Entra portal (PIM), or ask the bot administrators to set PUBLIC_URL and the app's redirect URI (README, "Sign-in from chat").`,
  'policy.no_approvers': (p: { role: string }) =>
    `\`${p.role}\` needs approval but the policy names no approvers. Ask the bot's administrators to add approvers to policy.yaml.`,

  // --- requests -------------------------------------------------------------------------
  'request.not_found': (p: { id: string }) =>
    `There is no request \`${p.id}\`. \`/elevate status\` lists your open requests.`,
  'request.not_visible': (p: { id: string }) =>
    `Request \`${p.id}\` is open only to its requester, its approvers and the auditors. Ask one of them about it.`,
  'request.self_approval': () =>
    'You cannot approve or deny your own request. Another approver has to decide it.',
  'request.not_approver': (p: { roles: readonly string[] }) =>
    `You are not an approver for ${list(p.roles)}. The card shows who can decide it.`,
  'request.already_approved_by_you': () =>
    'You have already approved this request. It is waiting for another approver.',
  'request.already_decided': (p: { id: string; state: string }) =>
    `Request \`${p.id}\` is already ${p.state.replace('_', ' ')}; nothing changed.`,
  'request.not_requester': (p: { id: string }) =>
    `Only the person who asked can do that with request \`${p.id}\`.`,
  'request.wrong_state': (p: { id: string; state: string; action: string }) =>
    `Request \`${p.id}\` is ${p.state.replace('_', ' ')}, so it cannot be ${p.action}. \`/elevate status\` shows where it stands.`,
  'request.nothing_active': () =>
    'You have no active grant to end. `/elevate status` shows your requests.',
  'request.which_one': (p: { ids: readonly string[] }) =>
    `You have several active grants: ${list(p.ids)}. Name one, e.g. \`/elevate deactivate ${p.ids[0] ?? 'R…'}\`.`,
  'request.deny_reason_required': () => 'Say why you deny it: the requester reads your reason.',
  'request.extension_pending': (p: { id: string }) =>
    `Request \`${p.id}\` already has an extension waiting (for the approvers, or for your MFA sign-in). Wait for it, or \`/elevate status\` to see it.`,
  'request.approval_timed_out': (p: { id: string }) =>
    `The time to decide request \`${p.id}\` has run out (the policy's approval timeout), so this decision was not recorded. Backup approvers, where the policy names them, get the card next; otherwise the requester can ask again with \`/elevate\`.`,
  'request.requester_disabled': (p: { id: string }) =>
    `The requester's Entra ID account is disabled, so request \`${p.id}\` cannot be approved; nothing was granted. Deny it, or let it expire.`,
  'request.no_longer_eligible': (p: { id: string; roles: readonly string[] }) =>
    `The requester is no longer eligible for ${list(p.roles)} in Entra PIM, so approving request \`${p.id}\` would grant nothing. Deny it, or let it expire.`,
  'request.already_open': (p: { id: string; state: string; role: string }) =>
    p.state === 'active'
      ? `You already have \`${p.role}\` active with request \`${p.id}\`, so nothing was asked. To keep it longer: \`/elevate extend ${p.id} <duration>\`.`
      : p.state === 'activating'
        ? `Request \`${p.id}\` for \`${p.role}\` is being activated right now, so nothing was asked. Wait for it; \`/elevate status\` shows where it stands, and \`/elevate extend ${p.id} <duration>\` adds time once it is active.`
        : `You already have request \`${p.id}\` for \`${p.role}\`, ${p.state.replace('_', ' ')}, so nothing was asked. Wait for it, or withdraw it with \`/elevate cancel ${p.id}\` and ask again.`,
  'request.changed_meanwhile': (p: { id: string }) =>
    `Request \`${p.id}\` changed while you acted. Look at the updated card and try again if still needed.`,

  // --- sign-in from chat (MFA step-up) -------------------------------------------------
  'mfa.timed_out': (p: { waited: number }) =>
    `Nobody signed in with MFA within ${formatDuration(p.waited)} of the approval, so nothing was granted. Request it again when you can sign in.`,
  'approval.sign_in_needed': (p: { window: number }) =>
    `Approving this request needs an MFA sign-in from you within the last ${formatDuration(p.window)}. Sign in with the link; your approval is recorded when the sign-in comes back.`,
  'signin.link_unknown': () =>
    'This sign-in link is not valid any more: it was used already, it expired (links last 10 minutes), or it was never issued. Nothing was granted or approved. Use the newest link from the chat, or click Approve again for a new one.',
  'signin.flow_unknown': () =>
    'This sign-in could not be matched to a link from elevate: it was finished already, took longer than 10 minutes, or did not start from elevate. Nothing was granted or approved. Use the newest link from the chat.',
  'signin.entra_refused': (p: { error: string }) =>
    `Microsoft Entra did not complete the sign-in (\`${p.error}\`), so nothing was granted or approved. Try the link again; if Entra keeps refusing, ask your identity team.`,
  'signin.entra_unreachable': () =>
    'elevate cannot reach Microsoft Entra right now, so the sign-in did not start and nothing changed. Try again in a minute with a new link (New link next to the old one, or click Approve again).',
  'signin.redeem_failed': () =>
    'elevate could not finish the sign-in with Microsoft Entra, so nothing was granted or approved. Try again in a minute; if it keeps failing, the bot administrators find the Entra error in the log.',
  'signin.invalid_token': (p: { why: string }) =>
    `The sign-in did not come back as a valid Entra ID token for this tenant and app (${p.why}), so nothing was granted or approved. Start again from the newest link in the chat.`,
  'signin.wrong_person': (p: { expected: string }) =>
    `This link was made for ${p.expected}, and someone else signed in. A person's MFA sign-in counts only for themselves, so nothing was granted or approved. ${p.expected} has to sign in with their own account.`,
  'signin.no_mfa': () =>
    'That sign-in did not use multi-factor authentication, so nothing was granted or approved. Sign in again and complete the MFA prompt; if Entra never asks for MFA, ask your identity team to require it (Conditional Access).',
  'signin.no_mfa_claim': () =>
    'Entra\'s sign-in token does not say how you signed in (it has no `amr` claim, which Entra leaves out of v2.0 tokens), so MFA cannot be proven and nothing was granted or approved. Ask the bot administrators to set `mfa.authenticationContext` in policy.yaml with a Conditional Access policy that requires MFA (README, "Sign-in from chat").',
  'signin.no_auth_time': () =>
    'Entra\'s sign-in token does not say when you signed in (no `auth_time` claim), so its age cannot be checked and nothing was granted or approved. Ask the bot administrators to add the optional claim `auth_time` to the app\'s ID tokens (README, "Sign-in from chat").',
  'signin.too_old': (p: { maxAge: number }) =>
    `That sign-in is older than ${formatDuration(p.maxAge)}: Entra reused an earlier session instead of asking again. Nothing was granted or approved. Sign in again from the newest link.`,
  'signin.not_waiting': (p: { id: string; state: string }) =>
    `Request \`${p.id}\` is ${p.state.replace('_', ' ')} and no longer waits for this sign-in, so it changed nothing.`,

  // --- identity -------------------------------------------------------------------------
  'identity.no_email': () =>
    'Your chat profile shows no email address, so I cannot tell who you are in Entra ID. Ask your chat administrators to let elevate read email addresses, or ask the bot administrators to map you in policy.yaml `identities`.',
  'identity.unknown': (p: { email: string }) =>
    `No enabled Entra ID account matches ${p.email}. If your Entra sign-in name differs, ask the bot administrators to map you in policy.yaml \`identities\`.`,

  'identity.foreign_workspace': () =>
    'elevate acts only for people of the workspace it is installed in, and you are signed in to another one (or reach it through a shared channel). Ask from your own account in that workspace.',
  'identity.email_unconfirmed': () =>
    'The email on your chat profile is not confirmed, so it cannot tell who you are in Entra ID. Confirm your email address in your chat account settings, or ask the bot administrators to map you in policy.yaml `identities`.',
  'identity.disabled': () =>
    'Your Entra ID account is disabled, so elevate does not act for you. If that is a mistake, ask your identity team to enable it.',

  // --- history --------------------------------------------------------------------------
  'history.not_allowed': () =>
    "You can see your own history (`/elevate history`); other people's is for approvers and auditors. This attempt was recorded.",
  'history.unknown_user': (p: { mention: string; closest?: readonly string[] }) =>
    p.closest && p.closest.length > 0
      ? `I cannot find \`${p.mention}\`. The closest people: ${list(p.closest)}.`
      : `I cannot find \`${p.mention}\` in the directory. Mention them as a chat user, e.g. \`/elevate history @alice\`.`,
  'history.bad_cursor': () => 'That page is no longer available. Run the history command again.',

  'whocan.not_allowed': () =>
    'Who can activate a role, and who approves it, is for approvers and auditors. Ask the bot administrators if you should be one in policy.yaml.',
  'whocan.no_such_group': (p: { name: string }) =>
    `Entra ID has no group called \`${p.name}\`. Check the name as Entra shows it (or its alias in policy.yaml \`groups:\`), or give the group's object id: \`/elevate whocan group <id>\`.`,
  'whocan.ambiguous_group': (p: { name: string; ids: readonly string[] }) =>
    `Several groups in Entra ID are called \`${p.name}\`: ${list(p.ids)}. Ask with the object id of the one you mean, e.g. \`/elevate whocan group ${p.ids[0] ?? '<id>'}\`.`,
  'whocan.no_such_azure_role': (p: { name: string; scope: string }) =>
    `Azure has no role called \`${p.name}\` at \`${p.scope}\`. Check the name as the Azure portal shows it, e.g. \`Contributor\` or \`Reader\`.`,
  'whocan.outside_azure_scopes': (p: { on: string; scopes: readonly string[] }) =>
    `\`${p.on}\` is not a scope the bot looks at, nor a resource group inside one. It looks at ${list(p.scopes)} (policy.yaml \`azure.scopes\`): name a resource group inside one of them, or give a full id.`,

  'export.not_allowed': () =>
    'Exporting the audit trail is for auditors. Ask the bot administrators to add you to `auditors` in policy.yaml. This attempt was recorded.',

  // --- break-glass -----------------------------------------------------------------------
  'breakglass.not_configured': () =>
    'Break-glass is not configured here. Ask the bot administrators to add a `breakglass:` section to policy.yaml, or request the role with `/elevate` as usual.',
  'breakglass.not_allowed': () =>
    'You are not listed under `breakglass.allowed` in policy.yaml, so break-glass is refused. Request the role with `/elevate` as usual. This attempt was recorded and the security channel told.',
  'breakglass.target_not_listed': (p: { text: string; targets: readonly string[] }) =>
    `\`${p.text}\` does not start with a break-glass target. Break-glass covers ${list(p.targets)}, e.g. \`/elevate breakglass ${p.targets[0] ?? 'Exchange Administrator'} mail flow down\`. This attempt was recorded and the security channel told.`,
  'breakglass.reason_required': (p: { target: string }) =>
    `Say why after the target, e.g. \`/elevate breakglass ${p.target} mail flow down INC-4711\`.`,
  'breakglass.not_breakglass': (p: { id: string }) =>
    `Request ${p.id} was not a break-glass activation, so there is nothing to acknowledge.`,
  'breakglass.self_acknowledge': () =>
    'You used break-glass yourself, so another approver must acknowledge it.',
  'breakglass.already_acknowledged': (p: { id: string; by: string }) =>
    `Break-glass request ${p.id} was already acknowledged by ${p.by}.`,
  'breakglass.not_approver': (p: { id: string }) =>
    `Only the approvers of break-glass request ${p.id} (and, after escalation, the backup approvers) can acknowledge it.`,

  // --- grant ----------------------------------------------------------------------------
  'grant.failed': (p: { role: string; detail: string }) =>
    `Activating \`${p.role}\` failed: ${p.detail}. Nothing was granted; the security channel has been told.`,
  'grant.target_failed': (p: { role: string; detail: string }) =>
    `Activating \`${p.role}\` failed: ${p.detail}. The other targets of this request were granted; ask for this one again once the cause is fixed.`,

  'grant.requester_disabled': (p: { roles: readonly string[] }) =>
    `Your Entra ID account is disabled, so ${list(p.roles)} was not granted. If that is a mistake, ask your identity team to enable it and request again.`,
  'grant.no_longer_eligible': (p: { roles: readonly string[] }) =>
    `You are no longer eligible for ${list(p.roles)} in Entra PIM, so nothing was granted. Ask your identity team to make you eligible again, then request again.`,
  'grant.eligibility_ending': (p: { roles: readonly string[]; until: number }) =>
    `Your eligibility for ${list(p.roles)} in Entra PIM ends at ${new Date(p.until).toISOString().slice(0, 16).replace('T', ' ')} UTC, too soon for a grant, so nothing was granted. Ask your identity team to renew the eligibility, then request again.`,
  'grant.extend_past_eligibility': (p: { roles: readonly string[]; until: number; left: number }) =>
    `Your eligibility for ${list(p.roles)} in Entra PIM ends at ${new Date(p.until).toISOString().slice(0, 16).replace('T', ' ')} UTC and a grant may not outlive it; ${p.left > 0 ? `you can extend by up to ${formatDuration(p.left)}` : 'it cannot be extended'}. Ask your identity team to renew the eligibility for more.`,
  'grant.not_active': (p: { role: string }) =>
    `\`${p.role}\` is no longer active in Entra, so it cannot be extended. Request it again with \`/elevate\`.`,
  'policy.extend_too_long': (p: { role: string; max: number; left: number }) =>
    p.left > 0
      ? `\`${p.role}\` may be active for at most ${formatDuration(p.max)} in total; you can extend by up to ${formatDuration(p.left)}.`
      : `\`${p.role}\` has reached its maximum of ${formatDuration(p.max)}. Request it again with \`/elevate\` when you need more time.`,
  'grant.gave_up': (p: { role: string }) =>
    `Microsoft Entra did not accept the activation of \`${p.role}\` after several tries, so nothing was granted. Try again in a few minutes; the security channel has been told.`,

  // --- graph ----------------------------------------------------------------------------
  'graph.duration_rejected': (p: { role: string }) =>
    `Entra PIM refused the duration for \`${p.role}\`: it is longer than the role's PIM settings allow for assignments. Ask for less time, or ask your identity team to raise the maximum in the role's PIM settings.`,
  'graph.justification_rejected': (p: { role: string }) =>
    `Entra PIM requires a justification for \`${p.role}\` and did not accept the one sent. Add a reason after the duration and try again.`,
  'graph.ticket_rejected': (p: { role: string }) =>
    `Entra PIM requires ticket information for \`${p.role}\`. Add \`ticket <id>\`, e.g. \`ticket INC-4711\`, and try again.`,
  'graph.mfa_required': (p: { role: string }) =>
    `Entra PIM requires multi-factor authentication to activate \`${p.role}\`, and the bot's app sign-in cannot give it. Activate it in the Entra portal (PIM), ask the bot administrators to set \`mode: delegated\` for it in policy.yaml (your own MFA sign-in then activates it), or ask your identity team to turn off PIM's MFA requirement for activating this role.`,
  'graph.policy_rejected': (p: { role: string; rules: readonly string[] }) =>
    `Entra PIM's settings for \`${p.role}\` refused the activation (failed: ${list(p.rules)}). Ask your identity team to check the role's PIM settings.`,
  'graph.not_assignable': (p: { role: string }) =>
    `\`${p.role}\` cannot be assigned in Entra: its role definition is disabled or not assignable. Ask your identity team to enable it, or request another role (\`/elevate roles\` lists yours).`,
  'graph.permission_missing': (p: { permission: string; action: string }) =>
    `elevate cannot ${p.action}: its app registration lacks the Microsoft Graph application permission \`${p.permission}\`. Ask an Entra administrator to add it (API permissions, Microsoft Graph, Application permissions) and grant admin consent (README, "Microsoft Entra: app registration and permissions"); then try again.`,
  'graph.not_found': (p: { what: string }) =>
    `Entra ID has no ${p.what}; it may have been deleted. Check the name or id and try again.`,
  'graph.sign_in_failed': () =>
    'elevate cannot sign in to Microsoft Entra, so nothing was changed. The bot administrators should check AZURE_TENANT_ID, AZURE_CLIENT_ID and the credential (secret, certificate or managed identity); the log names the Entra error code.',
  'graph.already_active': (p: { role: string; until?: number | null }) =>
    `\`${p.role}\` is already active for you in Entra${p.until === undefined ? '' : p.until === null ? ' with no end date' : ` until ${new Date(p.until).toISOString().slice(0, 16).replace('T', ' ')} UTC`}, granted outside this request, so nothing was changed. \`/elevate status\` shows your grants.`,
  'graph.not_granted': (p: { role: string; status: string }) =>
    `Entra PIM took the request for \`${p.role}\` but did not grant it (status \`${p.status}\`), so nothing is active. Ask your identity team to look at the request in PIM, then try again.`,
  'graph.rejected': (p: { role: string; code: string }) =>
    `Entra refused the change to \`${p.role}\` (\`${p.code}\`), so nothing was changed. Try again; if it keeps failing, the bot administrators find the details in the log.`,
  'graph.unsupported_target': (p: { kind: string }) =>
    `Activating ${p.kind} targets is not supported yet. Request a directory role instead.`,

  'graph.unavailable': () =>
    'Microsoft Entra is not answering right now (throttled or down), so nothing was changed. Try again in a few minutes; if it persists, tell the bot administrators.',

  // --- arm (Azure resource roles) ------------------------------------------------------
  'arm.too_soon_to_remove': (p: { role: string; retryAt: number }) =>
    `Azure does not remove \`${p.role}\` within 5 minutes of its activation, so it stays active until ${new Date(p.retryAt).toISOString().slice(11, 16)} UTC; elevate ends it then.`,
  'arm.permission_missing': (p: { action: string; scope: string }) =>
    `elevate cannot ${p.action} on \`${p.scope}\`: its identity holds no Azure role there that allows it. Ask an Azure administrator to give it Role Based Access Control Administrator (or User Access Administrator) on that scope (README, "Azure resource roles"); then try again.`,
  'arm.sign_in_refused': () =>
    'Azure Resource Manager refused the token elevate signed in with, so nothing was changed. The bot administrators should check that ARM_BASE_URL belongs to the same cloud as AZURE_AUTHORITY_HOST and that the app registration is in the tenant that owns the subscriptions.',
  'arm.not_found': (p: { what: string }) =>
    `Azure has no ${p.what}; it may have been deleted or moved. Check the name and try again; \`/elevate roles\` lists what you may activate.`,
  'arm.rejected': (p: { role: string; code: string }) =>
    `Azure refused the change to \`${p.role}\` (\`${p.code}\`), so nothing was changed. Try again; if it keeps failing, the bot administrators find the details in the log.`,
  'arm.unavailable': () =>
    'Azure Resource Manager is not answering right now (throttled or down), so nothing was changed. Try again in a few minutes; if it persists, tell the bot administrators.',

  // --- eligibility (ending it, for eligibility reviews) -----------------------------------
  'eligibility.held_through_group': (p: { role: string; groups: readonly string[] }) =>
    `This person is still eligible for \`${p.role}\` through ${p.groups.length === 0 ? 'a group they belong to' : `the group${p.groups.length > 1 ? 's' : ''} ${list(p.groups)}`}, so removing it from them alone does not end it (any eligibility they held themselves is gone). Take them out of the group in Entra ID, or remove the group's eligibility instead.`,

  // --- infrastructure -------------------------------------------------------------------
  'service.unavailable': () =>
    'elevate cannot reach its store right now, so nothing was changed. Try again in a minute; if it persists, tell the bot administrators.',
  'chat.unavailable': () =>
    'elevate could not finish answering you because the chat service refused or did not answer. Try again in a minute; if it persists, tell the bot administrators.',
  'internal.unexpected': () =>
    'Something went wrong inside elevate while handling that. Try again; if it happens again, tell the bot administrators and give them the reference.',
  ...DELEGATED_MESSAGES,
  ...REVIEW_MESSAGES,
} as const;

export type ErrorCode = keyof typeof catalogue;
type ParamsOf<C extends ErrorCode> = Parameters<(typeof catalogue)[C]>;

/** A link a person should open to go on (an MFA sign-in), shown as a button. */
export interface ActionLink {
  readonly url: string;
  readonly label: string;
}

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  /** The correlation id of the one log line about this failure, for the person to quote. */
  readonly reference?: string;
  readonly link?: ActionLink;
  /**
   * When the same call may succeed (epoch ms): set on `arm.too_soon_to_remove`, which ARM
   * answers for a removal within 5 minutes of the activation, so the caller can schedule it.
   */
  readonly retryAt?: number;
}

/** Builds the error a user reads. `appError('request.not_found', { id })`. */
export function appError<C extends ErrorCode>(code: C, ...params: ParamsOf<C>): AppError {
  const render = catalogue[code] as (...args: ParamsOf<C>) => string;
  return { code, message: render(...params) };
}

export const errorCodes = Object.keys(catalogue) as ErrorCode[];

/**
 * The error with the reference a person quotes to the bot administrators, who find the one
 * log line carrying it (`correlationId`).
 */
export const withReference = (error: AppError, reference: string): AppError => ({
  ...error,
  reference,
});

/** What the person reads: the message, and the reference when there is one. */
export const errorText = (error: AppError): string =>
  error.reference === undefined
    ? error.message
    : `${error.message} Reference: \`${error.reference}\`.`;
