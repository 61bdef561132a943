/**
 * The approval card: a projection of the request, re-rendered on every change. While it waits
 * for a decision it carries Approve and Deny (Action.Execute; Deny takes a reason), and a
 * refresh so each approver opening it sees the current state.
 */
import { formatDuration } from '../../bot/core/domain/duration.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import {
  awaitingAcknowledgement,
  awaitingDecision,
  cardStatus,
  cardTitle,
  clock,
  eligibilityCut,
  roleList,
  targetsTitle,
  who,
} from '../wording.ts';
import { safe } from './escape.ts';
import { type Card, expand, SCHEMA } from './template.ts';

export interface ApprovalFacts {
  readonly maxDuration: number;
  readonly quorum: number;
}

/** Teams refreshes a card automatically for at most 60 users. */
const MAX_REFRESH_USERS = 60;

const TEMPLATE: Card = {
  type: 'AdaptiveCard',
  $schema: SCHEMA,
  version: '1.5',
  refresh: {
    action: { type: 'Action.Execute', verb: 'refresh', data: { requestId: '${id}' } },
    userIds: '${approverIds}',
  },
  body: [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: '${reason}', wrap: true },
    { type: 'TextBlock', text: '${status}', wrap: true, isSubtle: true, spacing: 'Medium' },
    {
      type: 'Input.Text',
      id: 'denyReason',
      $when: '${pending}',
      isMultiline: true,
      maxLength: 500,
      placeholder: 'Reason, if you deny (the requester reads it)',
    },
  ],
  actions: [
    {
      $when: '${pending}',
      type: 'Action.Execute',
      title: 'Approve',
      verb: 'approve',
      style: 'positive',
      data: { requestId: '${id}' },
      fallback: {
        type: 'Action.Submit',
        title: 'Approve',
        data: { verb: 'approve', requestId: '${id}' },
      },
    },
    {
      $when: '${pending}',
      type: 'Action.Execute',
      title: 'Deny',
      verb: 'deny',
      style: 'destructive',
      associatedInputs: 'auto',
      data: { requestId: '${id}' },
      fallback: {
        type: 'Action.Submit',
        title: 'Deny',
        data: { verb: 'deny', requestId: '${id}' },
      },
    },
    {
      $when: '${acknowledge}',
      type: 'Action.Execute',
      title: 'Acknowledge',
      verb: 'acknowledge',
      style: 'destructive',
      data: { requestId: '${id}' },
      fallback: {
        type: 'Action.Submit',
        title: 'Acknowledge',
        data: { verb: 'acknowledge', requestId: '${id}' },
      },
    },
  ],
};

export function approvalCard(
  r: AccessRequest,
  facts: ApprovalFacts,
  approverIds: readonly string[],
  now: number,
  timezone: string,
): Card {
  return expand(TEMPLATE, {
    id: r.id,
    pending: awaitingDecision(r),
    acknowledge: awaitingAcknowledgement(r),
    approverIds: approverIds.slice(0, MAX_REFRESH_USERS),
    title: safe(cardTitle(r), 300),
    facts: [
      {
        title: 'Requester',
        value: safe(`${who(r.requester)}${r.requester.email ? ` (${r.requester.email})` : ''}`),
      },
      { title: targetsTitle(r), value: safe(roleList(r)) },
      {
        title: 'Duration',
        value: `${formatDuration(r.durationSeconds)} (max ${formatDuration(facts.maxDuration)})${eligibilityCut(r, now, timezone)}`,
      },
      {
        title: 'Start',
        value: r.startAt === null ? 'As soon as approved' : clock(r.startAt, timezone),
      },
      { title: 'Ticket', value: safe(r.ticket ?? 'none', 100) },
      { title: 'Approvals', value: `${r.approvals.length} of ${facts.quorum}` },
      { title: 'Request', value: r.id },
    ],
    reason: safe(`Reason: ${r.reason}`, 3000),
    status: safe(cardStatus(r, now, timezone), 3000),
  });
}
