/**
 * The /elevate command, the card buttons and the three modals. Every handler acks first
 * (Slack's 3 s) and works after, except that help and a malformed command are the ack's own
 * body; who acted is the signed request's user, never a payload value.
 * Every handler runs `guarded` (guard.ts): what throws reaches the person, with a reference.
 */
import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { acknowledgeBreakglass } from '../../bot/core/usecases/breakglass.ts';
import {
  type Asker,
  handleCommand,
  immediateReply,
  type Reply,
} from '../../bot/core/usecases/chat-command.ts';
import { approve, deny } from '../../bot/core/usecases/decide.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { end } from '../../bot/core/usecases/end.ts';
import { extend } from '../../bot/core/usecases/extend.ts';
import { historyPage } from '../../bot/core/usecases/history-paging.ts';
import { decideReviewItem } from '../../bot/core/usecases/reviews.ts';
import { renewSignInLink } from '../../bot/core/usecases/step-up.ts';
import { parseItemValue } from '../../cards/review-text.ts';
import {
  denyReasonModal,
  errorMessage,
  requestModal,
  reviewMessage,
  reviewRemoveModal,
} from '../../cards/slack/index.ts';
import { auditCsv } from '../chat/audit-csv.ts';
import { decodeHistoryState } from '../chat/history-state.ts';
import { formFields } from '../chat/request-form.ts';
import { uploadStream } from './export-upload.ts';
import { type ActionArgs, type CommandArgs, guarded, type ViewArgs } from './guard.ts';
import type { SlackIdentity } from './identity.ts';
import type { SlackMentions } from './mentions.ts';
import { renderReply } from './replies.ts';
import { requestFromForm } from './request-form.ts';

export interface HandlerDeps {
  readonly core: CoreDeps;
  readonly identity: SlackIdentity;
  readonly mentions: SlackMentions;
  readonly log: Logger;
}

const actionValue = (action: unknown): string =>
  typeof action === 'object' &&
  action !== null &&
  'value' in action &&
  typeof action.value === 'string'
    ? action.value
    : '';

export function registerHandlers(app: App, h: HandlerDeps): void {
  /** The person behind a signed request, ready to ask the core; or the error to show them. */
  const asker = async (
    teamId: string,
    userId: string,
    enterpriseId?: string | null,
  ): Promise<{ ok: true; value: Asker } | { ok: false; error: AppError }> => {
    const who = await h.identity.resolve(teamId, userId, enterpriseId ?? undefined);
    if (!who.ok) return who;
    const resolveMention = (mention: string) => h.mentions.resolve(teamId, mention);
    return {
      ok: true,
      value: {
        principal: who.value.principal,
        platform: 'slack',
        resolveMention,
        ...(who.value.timezone ? { timezone: who.value.timezone } : {}),
      },
    };
  };
  const render = (reply: Reply, timezone?: string) =>
    renderReply(reply, h.core.clock.now(), timezone ?? h.core.policy().timezone);

  app.command(
    '/elevate',
    guarded<CommandArgs>(h.log, 'command', async ({ command, ack, respond, client }) => {
      // Help and a malformed command are answered in the ack: no lookup, no second request.
      const immediate = immediateReply(command.text);
      if (immediate) return void (await ack({ response_type: 'ephemeral', ...render(immediate) }));
      await ack();
      const who = await asker(command.team_id, command.user_id, command.enterprise_id);
      if (!who.ok)
        return void (await respond({ response_type: 'ephemeral', ...errorMessage(who.error) }));
      const reply = await handleCommand(h.core, who.value, command.text);
      if (reply.kind === 'form') {
        const roles = reply.roles.map((r) => ({ name: r.typed, maxDuration: r.maxDuration }));
        await client.views.open({
          trigger_id: command.trigger_id,
          view: requestModal(formFields(reply.command), roles),
        });
        return;
      }
      if (reply.kind === 'export') {
        await sendExport(client, command.user_id, reply.events, h.core.clock.now());
        return void (await respond({
          response_type: 'ephemeral',
          text: 'The audit trail is on its way to your direct messages.',
        }));
      }
      await respond({ response_type: 'ephemeral', ...render(reply, who.value.timezone) });
    }),
  );

  app.action(
    'elevate_approve',
    guarded<ActionArgs>(h.log, 'approve', async ({ body, action, ack, respond }) => {
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = who.ok ? await approve(h.core, actionValue(action), who.value.principal) : who;
      if (!result.ok) await tellClicker(respond, result.error);
    }),
  );

  app.action(
    'elevate_acknowledge',
    guarded<ActionArgs>(h.log, 'acknowledge', async ({ body, action, ack, respond }) => {
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = who.ok
        ? await acknowledgeBreakglass(h.core, actionValue(action), who.value.principal)
        : who;
      if (!result.ok) await tellClicker(respond, result.error);
    }),
  );

  // Confirm on the break-glass question: checked again as the clicker, as if typed.
  app.action(
    'elevate_breakglass_confirm',
    guarded<ActionArgs>(h.log, 'breakglass', async ({ body, action, ack, respond }) => {
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      if (!who.ok) return void (await tellClicker(respond, who.error));
      const text = `breakglass confirm ${actionValue(action)}`;
      const reply = await handleCommand(h.core, who.value, text);
      await respond({ replace_original: true, ...render(reply, who.value.timezone) });
    }),
  );

  // Keep on an eligibility review: decided as the clicker; every card sent is re-rendered.
  app.action(
    'elevate_review_keep',
    guarded<ActionArgs>(h.log, 'review keep', async ({ body, action, ack, respond }) => {
      await ack();
      const item = parseItemValue(actionValue(action));
      if (!item)
        return void (await tellClicker(respond, appError('review.not_found', { id: '?' })));
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = who.ok
        ? await decideReviewItem(h.core, {
            ...item,
            verdict: 'keep',
            by: who.value.principal,
            reason: '',
          })
        : who;
      if (!result.ok) return void (await tellClicker(respond, result.error));
      await respond({
        replace_original: true,
        ...reviewMessage(result.value, h.core.policy().timezone),
      });
    }),
  );

  // Remove asks why first, in a modal; the submission below decides.
  app.action(
    'elevate_review_remove',
    guarded<ActionArgs>(h.log, 'review remove', async ({ body, action, ack, client, respond }) => {
      await ack();
      const value = actionValue(action);
      const item = parseItemValue(value);
      const review = item ? await h.core.reviews?.get(item.reviewId) : null;
      const person = review?.items.find((i) => i.principalId === item?.principalId);
      if (!person)
        return void (await tellClicker(
          respond,
          appError('review.not_found', { id: item?.reviewId ?? '?' }),
        ));
      if ('trigger_id' in body)
        await client.views.open({
          trigger_id: body.trigger_id,
          view: reviewRemoveModal(value, person.name),
        });
    }),
  );

  // A link button: Slack opens the sign-in in the browser and still reports the click.
  for (const linkButton of ['elevate_sign_in', 'elevate_pim_approve', 'elevate_pim_deny'])
    app.action(linkButton, async ({ ack }) => {
      await ack();
    });

  app.action(
    'elevate_sign_in_again',
    guarded<ActionArgs>(h.log, 'sign-in link', async ({ body, action, ack, respond }) => {
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id);
      const result = who.ok
        ? await renewSignInLink(h.core, actionValue(action), who.value.principal)
        : who;
      if (!result.ok) await tellClicker(respond, result.error);
    }),
  );

  app.action(
    'elevate_deny',
    guarded<ActionArgs>(h.log, 'deny', async ({ body, action, ack, client }) => {
      await ack();
      if ('trigger_id' in body)
        await client.views.open({
          trigger_id: body.trigger_id,
          view: denyReasonModal(actionValue(action)),
        });
    }),
  );

  app.action(
    'elevate_extend',
    guarded<ActionArgs>(h.log, 'extend', async ({ body, action, ack, respond }) => {
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = who.ok
        ? await extend(h.core, actionValue(action), who.value.principal, 30 * 60)
        : who;
      if (!result.ok) await tellClicker(respond, result.error);
    }),
  );

  app.action(
    'elevate_deactivate',
    guarded<ActionArgs>(h.log, 'deactivate', async ({ body, action, ack, respond }) => {
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = who.ok
        ? await end(h.core, actionValue(action), 'deactivated', who.value.principal)
        : who;
      if (!result.ok) await tellClicker(respond, result.error);
    }),
  );

  // Previous / Next on a history reply. The value is client-sent state: decoded strictly, and
  // the page is read as the clicker, so a forged value is refused just like a typed command.
  for (const actionId of ['elevate_history_prev', 'elevate_history_next']) {
    app.action(
      actionId,
      guarded<ActionArgs>(h.log, actionId, async ({ body, action, ack, respond }) => {
        await ack();
        const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
        if (!who.ok) return void (await tellClicker(respond, who.error));
        const state = decodeHistoryState(actionValue(action));
        if (!state) return void (await tellClicker(respond, appError('history.bad_cursor')));
        const reply = await historyPage(h.core, who.value.principal, state);
        if (reply.kind === 'error') return void (await tellClicker(respond, reply.error));
        await respond({ replace_original: true, ...render(reply, who.value.timezone) });
      }),
    );
  }

  app.view(
    'elevate_deny_reason',
    guarded<ViewArgs>(h.log, 'deny_reason', async ({ ack, view, body, client }) => {
      const reason = view.state.values.reason?.value?.value?.trim() ?? '';
      if (reason === '')
        return void (await ack({
          response_action: 'errors',
          errors: { reason: 'Say why: the requester reads this.' },
        }));
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = who.ok
        ? await deny(h.core, view.private_metadata, who.value.principal, reason)
        : who;
      if (!result.ok)
        await client.chat.postMessage({ channel: body.user.id, ...errorMessage(result.error) });
    }),
  );

  app.view(
    'elevate_review_remove',
    guarded<ViewArgs>(h.log, 'review_remove', async ({ ack, view, body, client }) => {
      const reason = view.state.values.reason?.value?.value?.trim() ?? '';
      if (reason.length < 5)
        return void (await ack({
          response_action: 'errors',
          errors: { reason: 'Say why in a few words: PIM keeps it as the justification.' },
        }));
      await ack();
      const item = parseItemValue(view.private_metadata);
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const result = !item
        ? { ok: false as const, error: appError('review.not_found', { id: '?' }) }
        : who.ok
          ? await decideReviewItem(h.core, {
              ...item,
              verdict: 'remove',
              by: who.value.principal,
              reason,
            })
          : who;
      if (!result.ok)
        await client.chat.postMessage({ channel: body.user.id, ...errorMessage(result.error) });
    }),
  );

  app.view(
    'elevate_request',
    guarded<ViewArgs>(h.log, 'request_form', async ({ ack, view, body, client }) => {
      const parsed = requestFromForm(view.state.values);
      if (!parsed.ok) return void (await ack({ response_action: 'errors', errors: parsed.error }));
      await ack();
      const who = await asker(body.team?.id ?? '', body.user.id, body.enterprise?.id);
      const message = who.ok
        ? render(await handleCommand(h.core, who.value, parsed.value), who.value.timezone)
        : errorMessage(who.error);
      await client.chat.postMessage({ channel: body.user.id, ...message });
    }),
  );

  // Only what fails outside a listener (Bolt's own middleware) still ends here.
  app.error(async (error) => {
    h.log.error({ err: error.message, code: error.code }, 'slack handler failed');
  });
}

/** Told only to the person who clicked; the card itself stays as the state renders it. */
async function tellClicker(respond: RespondFn, error: AppError): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, ...errorMessage(error) });
}

async function sendExport(
  client: WebClient,
  userId: string,
  events: Parameters<typeof auditCsv>[0],
  now: number,
): Promise<void> {
  const dm = await client.conversations.open({ users: userId });
  await uploadStream(client, auditCsv(events), {
    channelId: dm.channel?.id ?? userId,
    filename: `elevate-audit-${new Date(now).toISOString().slice(0, 10)}.csv`,
    title: 'elevate audit trail',
    comment: 'The audit trail you asked for (RFC 4180 CSV).',
  });
}
