/**
 * A minimal real botbuilder bot for exercising the stand-ins: CloudAdapter behind node:http.
 * CloudAdapter.process wants a parsed `body` on the request and an Express-like response
 * (`status`, `header`, `send`, `end`, `socket`); the bridge below is all node:http needs.
 */
import { createServer, type ServerResponse } from 'node:http';
import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  type Response,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import { closeServer, isRecord, listen, parseJson, readBody } from './http-util.ts';
import { StrictBotFrameworkAuthentication } from './strict-authentication.ts';

type CredentialsFactory = ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];

export interface TinyBot {
  /** The bot's /api/messages URL. */
  readonly url: string;
  readonly adapter: CloudAdapter;
  /** Conversation references of every message received, by conversation id. */
  readonly references: Map<string, Partial<ConversationReference>>;
  readonly invokes: AdaptiveCardInvokeValue[];
  close(): Promise<void>;
}

/** Replies `echo: <text>`; `edit` sends then updates; `whoami` asks Teams for the sender. */
class EchoBot extends ActivityHandler {
  private readonly invokes: AdaptiveCardInvokeValue[];

  constructor(
    references: Map<string, Partial<ConversationReference>>,
    invokes: AdaptiveCardInvokeValue[],
  ) {
    super();
    this.invokes = invokes;
    this.onMessage(async (context, next) => {
      const { activity } = context;
      references.set(activity.conversation.id, TurnContext.getConversationReference(activity));
      const text = TurnContext.removeRecipientMention(activity)?.trim() ?? '';
      if (text === 'edit') {
        const sent = await context.sendActivity('draft');
        await context.updateActivity({ id: sent?.id, type: 'message', text: 'final' });
      } else if (text === 'whoami') {
        const member = await TeamsInfo.getMember(context, activity.from.id);
        await context.sendActivity(
          `${member.email} ${member.userPrincipalName} ${member.aadObjectId}`,
        );
      } else if (text === 'card') {
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card('pending'))] });
      } else {
        await context.sendActivity(`echo: ${text}`);
      }
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    this.invokes.push(invokeValue);
    const who = context.activity.from.aadObjectId ?? 'unknown';
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: card(`${invokeValue.action.verb} by ${who}`),
    };
  }
}

function card(state: string): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: state }],
    actions: [{ type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { id: 'r1' } }],
  };
}

function bridge(res: ServerResponse): Response {
  let payload: string | undefined;
  return {
    socket: res.socket,
    status: (code: number) => {
      res.statusCode = code;
    },
    header: (name: string, value: unknown) => {
      res.setHeader(name, String(value));
    },
    send: (body: unknown) => {
      const json = typeof body !== 'string';
      payload = json ? JSON.stringify(body) : body;
      res.setHeader('content-type', json ? 'application/json' : 'text/plain');
    },
    end: () => {
      res.end(payload);
    },
  };
}

export interface TinyBotOptions {
  /** Outbound credentials; default: botbuilder's own from MicrosoftAppId/Password. */
  credentialsFactory?: CredentialsFactory;
  /** Use StrictBotFrameworkAuthentication (401 instead of 500 for forged tokens). */
  strict?: boolean;
}

/** `config` is what ConfigurationBotFrameworkAuthentication reads (MicrosoftAppId, …). */
export async function startTinyBot(
  config: Record<string, string> = {},
  options: TinyBotOptions = {},
): Promise<TinyBot> {
  const Authentication = options.strict
    ? StrictBotFrameworkAuthentication
    : ConfigurationBotFrameworkAuthentication;
  const adapter = new CloudAdapter(new Authentication(config, options.credentialsFactory));
  const references = new Map<string, Partial<ConversationReference>>();
  const invokes: AdaptiveCardInvokeValue[] = [];
  const bot = new EchoBot(references, invokes);
  const server = createServer((req, res) => {
    readBody(req)
      .then((text) => {
        const parsed = parseJson(text);
        const body = isRecord(parsed) ? parsed : undefined;
        return adapter.process(
          { method: req.method, headers: req.headers, body },
          bridge(res),
          (c) => bot.run(c),
        );
      })
      .catch(() => {
        res.statusCode = 500;
        res.end();
      });
  });
  const port = await listen(server, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    adapter,
    references,
    invokes,
    close: () => closeServer(server),
  };
}
