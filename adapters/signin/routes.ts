/**
 * `GET /auth/start?t=…` and `GET /auth/callback` (DESIGN.md "Sign-in from chat").
 * start: reads the link, keeps a PKCE verifier and nonce under a fresh `state`, and
 * redirects to Entra's authorize endpoint. callback: takes the flow by `state` and uses up
 * its link (one link, one sign-in; a link scanner that only opened it burned nothing),
 * redeems the code with the verifier and the app credential, verifies the ID token, and
 * hands the verdict to the core. Every refusal shows a page that says why, and is recorded on the
 * request so the chat hears it; nothing is granted or approved on a refusal. No code or
 * token is logged.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { targetPolicy } from '../../bot/core/domain/effective-policy.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { SignInGrant } from '../../bot/core/ports/sign-in.ts';
import { delegatedSignIn, pimReviewSignIn } from '../../bot/core/usecases/delegated.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { extensionSignInVerified } from '../../bot/core/usecases/extend.ts';
import {
  type Approve,
  signInRefused,
  signInRule,
  signInVerified,
} from '../../bot/core/usecases/step-up.ts';
import type { Handler } from '../http/route.ts';
import type { AuthorizeParams, RedeemedTokens } from './entra.ts';
import type { IdTokenVerifier } from './id-token.ts';
import { CALLBACK_PATH, LINK_TTL_SECONDS, randomToken, START_PATH } from './links.ts';
import { sendPage } from './pages.ts';
import { digest, type SignInStore } from './store.ts';

/** The code flow as the routes use it (adapters/signin/entra.ts on MSAL). */
export interface CodeFlow {
  readonly tenantId: string;
  readonly clientId: string;
  authorizeUrl(p: AuthorizeParams): Promise<string>;
  redeemTokens(
    code: string,
    codeVerifier: string,
    redirectUri: string,
    nonce: string,
    scopes?: readonly string[],
  ): Promise<RedeemedTokens>;
}

export interface SignInRoutesOptions {
  /** PUBLIC_URL (read when a sign-in starts: the sandbox knows its address only once listening). */
  readonly publicUrl: () => string;
  readonly flow: CodeFlow;
  readonly verifier: Pick<IdTokenVerifier, 'verify'>;
  readonly store: SignInStore;
  readonly core: () => CoreDeps;
  readonly approve: Approve;
}

export function signInRoutes(o: SignInRoutesOptions): Map<string, Handler> {
  const redirectUri = () => `${o.publicUrl().replace(/\/+$/, '')}${CALLBACK_PATH}`;
  return new Map<string, Handler>([
    [`GET ${START_PATH}`, (req, res, log) => start(o, redirectUri(), req, res, log)],
    [`GET ${CALLBACK_PATH}`, (req, res, log) => callback(o, redirectUri(), req, res, log)],
  ]);
}

async function start(
  o: SignInRoutesOptions,
  redirectUri: string,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): Promise<void> {
  const token = query(req).get('t') ?? '';
  const grant = token === '' ? null : await o.store.readLink(token);
  if (!grant) return refusal(res, 410, appError('signin.link_unknown'));
  const core = o.core();
  const request = await core.store.get(grant.requestId);
  if (!request) return refusal(res, 404, appError('request.not_found', { id: grant.requestId }));
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();
  await o.store.saveFlow(
    state,
    { grant, codeVerifier, nonce, link: digest(token) },
    LINK_TTL_SECONDS,
  );
  let url: string;
  try {
    url = await o.flow.authorizeUrl({
      redirectUri,
      state,
      nonce,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      ...(grant.person.email ? { loginHint: grant.person.email } : {}),
      contexts: (await signInRule(core, request)).contexts,
      scopes: delegatedScopes(core, grant, request),
    });
  } catch (error) {
    // MSAL reads the tenant's OpenID configuration first; Entra did not answer.
    log.warn({ requestId: grant.requestId, err: errorName(error) }, 'authorize URL failed');
    return refusal(res, 502, appError('signin.entra_unreachable'));
  }
  log.info(
    { requestId: grant.requestId, purpose: grant.purpose, person: grant.person.id },
    'sign-in from chat started',
  );
  res.writeHead(302, {
    location: url,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-length': 0,
  });
  res.end();
}

async function callback(
  o: SignInRoutesOptions,
  redirectUri: string,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): Promise<void> {
  const q = query(req);
  const state = q.get('state') ?? '';
  const flow = state === '' ? null : await o.store.takeFlow(state);
  if (!flow) return refusal(res, 400, appError('signin.flow_unknown'));
  // Another sign-in from the same link came back first: this one counts for nothing.
  if (!(await o.store.takeLink(flow.link)))
    return refusal(res, 410, appError('signin.link_unknown'));
  const { grant } = flow;
  const core = o.core();
  const context = { requestId: grant.requestId, purpose: grant.purpose, person: grant.person.id };
  const refuse = async (status: number, error: AppError) => {
    log.warn({ ...context, code: error.code }, 'sign-in from chat refused');
    await signInRefused(core, grant, error);
    refusal(res, status, error);
  };

  const entraError = q.get('error');
  const code = q.get('code');
  if (entraError || !code)
    return refuse(400, appError('signin.entra_refused', { error: entraError ?? 'no code' }));
  const before = await core.store.get(grant.requestId);
  if (!before) return refusal(res, 404, appError('request.not_found', { id: grant.requestId }));
  let tokens: RedeemedTokens;
  try {
    tokens = await o.flow.redeemTokens(
      code,
      flow.codeVerifier,
      redirectUri,
      flow.nonce,
      delegatedScopes(core, grant, before),
    );
  } catch (error) {
    const entra = (error as { errorCode?: unknown }).errorCode;
    if (entra === 'nonce_mismatch')
      return refuse(403, appError('signin.invalid_token', { why: 'wrong nonce' }));
    log.warn(
      { ...context, entraError: typeof entra === 'string' ? entra : 'unknown' },
      'code redemption failed',
    );
    return refuse(502, appError('signin.redeem_failed'));
  }
  const request = await core.store.get(grant.requestId);
  if (!request) return refusal(res, 404, appError('request.not_found', { id: grant.requestId }));
  const rule = await signInRule(core, request);
  const verdict = await o.verifier
    .verify(tokens.idToken, {
      clientId: o.flow.clientId,
      tenantId: o.flow.tenantId,
      nonce: flow.nonce,
      oid: grant.person.id,
      name: grant.person.displayName || grant.person.email || 'another person',
      maxAge: rule.maxAge,
      contexts: rule.contexts,
      now: core.clock.now(),
      ...(grant.purpose === 'delegate' ? { mfa: policyAsksMfa(core, request) } : {}),
    })
    .catch((error: unknown) => {
      // The signing keys could not be read: nothing can be verified, so nothing counts.
      log.warn({ ...context, err: errorName(error) }, 'signing keys unavailable');
      return null;
    });
  if (!verdict) return refuse(502, appError('signin.redeem_failed'));
  if (!verdict.ok) return refuse(403, verdict.error);

  const done =
    grant.purpose === 'delegate'
      ? await delegatedSignIn(core, grant, tokens.accessTokens)
      : grant.purpose === 'pim_review'
        ? await pimReviewSignIn(core, grant, tokens.accessTokens)
        : grant.purpose === 'extend'
          ? await extensionSignInVerified(core, grant)
          : await signInVerified(core, grant, o.approve, verdict.value.authTime);
  if (!done.ok) {
    log.info({ ...context, code: done.error.code }, 'verified sign-in changed nothing');
    return refusal(res, 409, done.error);
  }
  log.info(context, 'sign-in from chat verified');
  sendPage(res, { status: 200, title: 'Signed in', message: doneMessage(grant, done.value) });
}

/**
 * Delegated mode: the access token's scopes for the kinds of target of the request (for a
 * decision on PIM's approval: of the target PIM holds).
 */
function delegatedScopes(core: CoreDeps, grant: SignInGrant, request: AccessRequest): string[] {
  const targets =
    grant.purpose === 'delegate'
      ? request.targets
      : grant.purpose === 'pim_review' && request.pimApproval
        ? [request.pimApproval.target]
        : [];
  if (targets.length === 0 || !core.delegated) return [];
  const scopes = targets.map((t) => core.delegated?.scopeFor(t.kind) ?? null);
  return [...new Set(scopes.filter((s): s is string => s !== null))];
}

/** Whether policy.yaml itself asks the requester for MFA (PIM's own rule is PIM's to apply). */
const policyAsksMfa = (core: CoreDeps, request: AccessRequest): boolean =>
  request.targets.some((t) => targetPolicy(core.policy(), t).mfaRequired);

function doneMessage(grant: SignInGrant, request: { id: string; state: string }): string {
  if (grant.purpose === 'pim_review')
    return grant.decision === 'deny'
      ? `Your denial of request \`${request.id}\` is recorded in Entra PIM. You can close this page and go back to the chat.`
      : `Your approval of request \`${request.id}\` is recorded in Entra PIM, and the role is active. You can close this page and go back to the chat.`;
  if (grant.purpose === 'delegate') {
    if (request.state === 'activating')
      return `Entra PIM holds the activation for request \`${request.id}\` for its own approvers: they are asked in chat, and the role is active once one approves. You can close this page.`;
    if (request.state === 'active')
      return `PIM activated your role for request \`${request.id}\` with your sign-in. You can close this page and go back to the chat.`;
    if (request.state === 'ended')
      return `PIM ended your grant for request \`${request.id}\` with your sign-in. You can close this page and go back to the chat.`;
    return `PIM did not activate the role for request \`${request.id}\`; the chat says why and what to do next. You can close this page.`;
  }
  if (grant.purpose === 'approve')
    return request.state === 'pending_approval'
      ? `Your approval of request \`${request.id}\` is recorded; it waits for more approvals. You can close this page and go back to the chat.`
      : `Your approval of request \`${request.id}\` is recorded. You can close this page and go back to the chat.`;
  if (grant.purpose === 'extend')
    return `Your MFA sign-in for request \`${request.id}\` is verified and the grant is extended. You can close this page and go back to the chat.`;
  return `Your MFA sign-in for request \`${request.id}\` is verified and the role is being activated. You can close this page and go back to the chat.`;
}

function refusal(res: ServerResponse, status: number, error: AppError): void {
  // 409: the sign-in itself was fine, but the request had moved on (decided, timed out).
  const title = status === 409 ? 'Signed in, but nothing changed' : 'Not signed in';
  sendPage(res, { status, title, message: error.message });
}

/** An error's kind and message for the log; MSAL's messages carry no token or code. */
const errorName = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const query = (req: IncomingMessage): URLSearchParams =>
  new URL(req.url ?? '/', 'http://localhost').searchParams;
