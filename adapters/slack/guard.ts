/**
 * Every Slack listener runs inside `guarded`: a throw (Graph refusing, Entra sign-in failing,
 * Redis unreachable, a bug) is logged once with a correlation id and answered to the person
 * with the catalogue message carrying it, instead of reaching Bolt's `app.error` unheard.
 * Commands and clicks are answered ephemerally through `respond`; a modal not yet acked is
 * replaced by the message; after the ack, the message goes to the person's DM.
 */
import type {
  AllMiddlewareArgs,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { errorMessage, errorModal } from '../../cards/slack/index.ts';
import { reportFailure } from '../chat/failures.ts';
import { slackApiFailure } from './api-failure.ts';

/** What every listener's arguments have in common, as far as answering a failure needs. */
interface ListenerArgs {
  readonly body: unknown;
  readonly client: WebClient;
  readonly ack?: (response?: never) => Promise<void>;
  readonly respond?: RespondFn;
}

type Ack = (response?: unknown) => Promise<void>;

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function guarded<A extends ListenerArgs>(
  log: Logger,
  handler: string,
  listener: (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  return async (args) => {
    let acked = false;
    const original = args.ack as Ack | undefined;
    const ack: Ack = async (response) => {
      acked = true;
      await original?.(response);
    };
    try {
      await listener({ ...args, ...(original ? { ack } : {}) });
    } catch (error) {
      const who = userOf(args.body);
      const failure = reportFailure(
        log,
        error,
        { platform: 'slack', handler, ...(who ? { user: who } : {}) },
        [slackApiFailure],
      );
      try {
        await tell(args, original && !acked ? original : null, who, failure.error);
      } catch (told) {
        log.warn(
          { correlationId: failure.correlationId, err: (told as Error).message },
          'slack: could not tell the person about a failure',
        );
      }
    }
  };
}

async function tell(
  args: ListenerArgs,
  ack: Ack | null,
  user: string | null,
  error: AppError,
): Promise<void> {
  const isView = kindOf(args.body) === 'view_submission';
  if (ack && isView) return ack({ response_action: 'update', view: errorModal(error) });
  if (ack) await ack();
  if (args.respond && !isView) {
    await args.respond({
      response_type: 'ephemeral',
      replace_original: false,
      ...errorMessage(error),
    });
    return;
  }
  if (user) await args.client.chat.postMessage({ channel: user, ...errorMessage(error) });
}

const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
const kindOf = (body: unknown): unknown => field(body, 'type');

/** The acting user of a command (`user_id`), click or view (`user.id`) or event (`event.user`). */
function userOf(body: unknown): string | null {
  const id =
    field(body, 'user_id') ??
    field(field(body, 'user'), 'id') ??
    field(field(body, 'event'), 'user');
  return typeof id === 'string' ? id : null;
}
