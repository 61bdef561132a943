/** Teams Adaptive Cards (1.5): pure functions from domain state to card JSON. */
export { type ApprovalFacts, approvalCard } from './approval.ts';
export { breakglassConfirmCard } from './breakglass.ts';
export { escapeMarkdown } from './escape.ts';
export {
  alertCard,
  consoleExportCard,
  errorCard,
  exportLinkCard,
  type FormErrors,
  type FormPrefill,
  type HistoryPager,
  helpCard,
  historyCard,
  outcomeCard,
  type RoleRowView,
  requestFormCard,
  rolesCard,
  statusCard,
  textCard,
} from './messages.ts';
export { pimApprovalCard } from './pim-approval.ts';
export { reasonInputId, reviewCard } from './review.ts';
export { type Card, warmTemplates } from './template.ts';
export { whocanCard } from './whocan.ts';
