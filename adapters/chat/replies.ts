/**
 * A core Reply as the message the asker sees, decided once for every platform: which outcome
 * a submitted or extended request reports, what a cancel says, how history is paged. Each
 * platform supplies only the rendering (Block Kit for Slack, Adaptive Cards for Teams).
 */
import { formatDuration } from '../../bot/core/domain/duration.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Review } from '../../bot/core/domain/review.ts';
import type { AppError } from '../../bot/core/errors.ts';
import type { RequestChange } from '../../bot/core/ports/notifier.ts';
import type { BreakglassPlan } from '../../bot/core/usecases/breakglass.ts';
import type { Reply } from '../../bot/core/usecases/chat-command.ts';
import type { RoleRow } from '../../bot/core/usecases/queries.ts';
import type { WhocanAnswer } from '../../bot/core/usecases/whocan.ts';
import { decisionText, reviewStatus, reviewTitle } from '../../cards/review-text.ts';
import { clock } from '../../cards/wording.ts';
import { type EncodedPaging, encodePaging } from './history-state.ts';

type ReplyOf<K extends Reply['kind']> = Extract<Reply, { kind: K }>;

/** How one platform draws each kind of answer; `M` is its message type. */
export interface ReplyView<M> {
  error(error: AppError): M;
  help(): M;
  roles(rows: readonly RoleRow[]): M;
  status(requests: readonly AccessRequest[]): M;
  history(items: readonly AccessRequest[], paging: EncodedPaging): M;
  /** The requester's view of what just happened to their request. */
  outcome(request: AccessRequest, change: RequestChange): M;
  text(text: string): M;
  form(reply: ReplyOf<'form'>): M;
  export(reply: ReplyOf<'export'>): M;
  whocan(answer: WhocanAnswer): M;
  /** The question before a break-glass activation, with a Confirm button. */
  breakglassConfirm(plan: BreakglassPlan): M;
  /** The asker's open reviews, each as its card with Keep / Remove. */
  reviews(reviews: readonly Review[]): M;
}

/** `/elevate review history`: each recent review, how it stands, and every removal. */
export function reviewHistoryText(reviews: readonly Review[], timezone: string): string {
  if (reviews.length === 0) return 'No eligibility reviews have run yet.';
  return [
    'Recent eligibility reviews:',
    ...reviews.flatMap((r) => [
      `• ${reviewTitle(r)} (${r.id}, started ${clock(r.createdAt, timezone)}): ${reviewStatus(r, timezone)}`,
      ...r.items.flatMap((i) => {
        const decided = i.decision?.verdict === 'remove' ? decisionText(i, timezone) : null;
        return decided ? [`    ${i.name}: ${decided}`] : [];
      }),
    ]),
  ].join('\n');
}

/** What the person confirms: what happens at once, and who is told. */
export function breakglassQuestion(plan: BreakglassPlan): string {
  return `This activates ${plan.target.name} now for ${formatDuration(plan.durationSeconds)} without approval, and posts to every approver and the security channel. Reason: ${plan.reason}. Confirm?`;
}

/** The answer to a confirmed break-glass. */
export const breakglassStarted = (r: AccessRequest): string =>
  `Break-glass: activating ${r.targets.map((t) => t.name).join(', ')} now for ${formatDuration(r.durationSeconds)} without approval (request ${r.id}). The security channel and the approvers have been told; you hear here when it is active.`;

export function renderReply<M>(reply: Reply, view: ReplyView<M>, zone: string): M {
  switch (reply.kind) {
    case 'error':
      return view.error(reply.error);
    case 'help':
      return view.help();
    case 'roles':
      return view.roles(reply.rows);
    case 'status':
      return view.status(reply.requests);
    case 'history':
      return view.history(reply.page.items, encodePaging(reply.paging));
    case 'form':
      return view.form(reply);
    case 'export':
      return view.export(reply);
    case 'whocan':
      return view.whocan(reply.answer);
    case 'breakglass_confirm':
      return view.breakglassConfirm(reply.plan);
    case 'reviews':
      if (reply.what === 'history') return view.text(reviewHistoryText(reply.reviews, zone));
      return reply.reviews.length === 0
        ? view.text('Nothing is waiting for your review. Past reviews: `/elevate review history`.')
        : view.reviews(reply.reviews);
    case 'breakglass_started':
      return view.text(breakglassStarted(reply.request));
    case 'submitted':
      return view.outcome(
        reply.request,
        reply.request.state === 'pending_approval'
          ? 'submitted'
          : reply.request.state === 'scheduled'
            ? 'scheduled'
            : 'approved',
      );
    case 'canceled':
      return view.text(`Request ${reply.request.id} is canceled; nothing was granted.`);
    case 'deactivated':
      return view.outcome(reply.request, 'ended');
    case 'extended':
      return view.outcome(
        reply.request,
        reply.request.extensionStepUp
          ? 'extension_awaiting_mfa'
          : reply.request.extension
            ? 'extension_requested'
            : 'extended',
      );
  }
}
