/**
 * A person following a sign-in link from chat in a browser: the bot's /auth/start, the Entra
 * stand-in's authorize endpoint answered as the chosen user (with or without MFA), and the
 * redirect back to the bot's /auth/callback. PUBLIC_URL is mapped onto the running bot, as a
 * reverse proxy would.
 */
import type { GraphStandIn } from '../standins/graph/index.ts';
import { PUBLIC_URL } from './world.ts';

export interface SignInAnswer {
  readonly status: number;
  readonly page: string;
}

/** The first sign-in link (`…/auth/start?t=…`) in a JSON or text blob. */
export function signInLink(text: string): string | null {
  const match = /https:\/\/elevate\.contoso\.example\/auth\/start\?t=[A-Za-z0-9_-]+/.exec(text);
  return match?.[0] ?? null;
}

const onBot = (url: string, botUrl: string) =>
  url.startsWith(PUBLIC_URL) ? `${botUrl}${url.slice(PUBLIC_URL.length)}` : url;

/** GET /auth/start: the redirect to Entra, or the bot's page when it refuses. */
export async function startSignIn(
  link: string,
  botUrl: string,
): Promise<{ authorize: string | null; status: number; page: string }> {
  const res = await fetch(onBot(link, botUrl), { redirect: 'manual' });
  return {
    authorize: res.status === 302 ? res.headers.get('location') : null,
    status: res.status,
    page: await res.text(),
  };
}

/** Answers Entra's sign-in as `user` and follows the redirect back to the bot. */
export async function finishSignIn(
  authorize: string,
  botUrl: string,
  who: { readonly user: string; readonly mfa: boolean },
): Promise<SignInAnswer> {
  const url = new URL(authorize);
  url.searchParams.set('sim_user', who.user);
  url.searchParams.set('sim_mfa', who.mfa ? 'yes' : 'no');
  const entra = await fetch(url, { redirect: 'manual' });
  const back = entra.headers.get('location');
  if (entra.status !== 302 || !back)
    throw new Error(`Entra answered ${entra.status}: ${await entra.text()}`);
  const res = await fetch(onBot(back, botUrl), { redirect: 'manual' });
  return { status: res.status, page: await res.text() };
}

export async function signInThrough(
  link: string,
  botUrl: string,
  who: { readonly user: string; readonly mfa: boolean },
): Promise<SignInAnswer> {
  const started = await startSignIn(link, botUrl);
  if (!started.authorize) return { status: started.status, page: started.page };
  return finishSignIn(started.authorize, botUrl, who);
}

/**
 * PIM's selfActivate tried with the app's own token (client credentials from the simulated
 * tenant, as the bot holds them): what PIM answers, which must be a refusal.
 */
export async function selfActivateAsApp(
  g: GraphStandIn,
  principalId: string,
  roleDefinitionId: string,
): Promise<Response> {
  const token = await fetch(`${g.authorityHost}/${g.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: g.clientId,
      client_secret: g.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  return fetch(`${g.graphBaseUrl}/v1.0/roleManagement/directory/roleAssignmentScheduleRequests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'selfActivate',
      principalId,
      roleDefinitionId,
      directoryScopeId: '/',
      justification: 'the app trying on its own',
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT1H' },
      },
    }),
  });
}
