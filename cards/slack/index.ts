/** Slack Block Kit rendering: pure functions from domain state to messages and modals. */

export { type Audience, outcomeText } from '../outcome-text.ts';
export { type ApprovalFacts, approvalCard } from './approval.ts';
export { breakglassConfirmMessage } from './breakglass.ts';
export { slackErrorText } from './error-text.ts';
export { escapeMrkdwn, safeMrkdwn } from './escape.ts';
export type { SlackMessage } from './facts.ts';
export {
  alertMessage,
  errorMessage,
  type HistoryPager,
  helpMessage,
  historyMessage,
  infoMessage,
  type RoleRowView,
  rolesMessage,
  statusMessage,
} from './messages.ts';
export { denyReasonModal, errorModal, type RequestPrefill, requestModal } from './modals.ts';
export { outcomeMessage, pimApprovalMessage } from './outcome.ts';
export { reviewMessage, reviewRemoveModal } from './review.ts';
export { whocanMessage } from './whocan.ts';
