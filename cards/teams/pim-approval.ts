/** PIM's approval as an Adaptive Card, to one of PIM's approvers: two sign-in links while it waits. */
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { ActionLink } from '../../bot/core/errors.ts';
import { pimApprovalText } from '../pim-approval-text.ts';
import { safe } from './escape.ts';
import { type Card, SCHEMA } from './template.ts';

export function pimApprovalCard(
  r: AccessRequest,
  links: { readonly approve: ActionLink; readonly deny: ActionLink } | null,
): Card {
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Entra PIM approval', weight: 'Bolder', size: 'Medium' },
      { type: 'TextBlock', text: safe(pimApprovalText(r), 3000), wrap: true },
    ],
    ...(links
      ? {
          actions: [
            { type: 'Action.OpenUrl', title: links.approve.label, url: links.approve.url },
            { type: 'Action.OpenUrl', title: links.deny.label, url: links.deny.url },
          ],
        }
      : {}),
  };
}
