/**
 * The code flow on MSAL against the Entra stand-in, with each app credential the bot can
 * have: the code is redeemed with a client secret, a certificate (signed client assertion) or
 * a federated token file, always with the PKCE verifier; a wrong verifier is refused by Entra.
 * The ID token that comes back verifies with jose against the tenant's published keys. A
 * delegated sign-in for two APIs (Graph and ARM) gets one access token for each.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorld } from '../../adapters/entra-sim/seed.ts';
import type { AzureSettings } from '../../adapters/graph/settings.ts';
import { EntraCodeFlow } from '../../adapters/signin/entra.ts';
import { IdTokenVerifier } from '../../adapters/signin/id-token.ts';
import { E2E_WORLD, TENANT } from '../e2e/world.ts';
import { type GraphStandIn, startGraphStandIn } from '../standins/graph/index.ts';
import { makeClientCertificate } from '../support/client-certificate.ts';

let entra: GraphStandIn;
beforeAll(async () => {
  entra = await startGraphStandIn();
  seedWorld(entra.tenant, E2E_WORLD);
});
afterAll(async () => {
  await entra?.close();
});

const REDIRECT = 'https://elevate.contoso.example/auth/callback';
const settings = (credential: Partial<AzureSettings>): AzureSettings => ({
  tenantId: entra.tenantId,
  clientId: entra.clientId,
  authorityHost: entra.authorityHost,
  ...credential,
});

/** Authorize as Alice with MFA and return the code Entra redirects back with. */
async function codeFor(
  flow: EntraCodeFlow,
  verifier: string,
  nonce: string,
  contexts: readonly string[] = ['c1'],
  scopes: readonly string[] = [],
): Promise<string> {
  const url = new URL(
    await flow.authorizeUrl({
      redirectUri: REDIRECT,
      state: 's-1',
      nonce,
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      loginHint: TENANT.alice.upn,
      contexts,
      scopes,
    }),
  );
  if (contexts.length > 0)
    expect(JSON.parse(url.searchParams.get('claims') ?? '{}')).toMatchObject({
      id_token: { acrs: { essential: true, value: 'c1' } },
    });
  url.searchParams.set('sim_user', TENANT.alice.upn);
  url.searchParams.set('sim_mfa', 'yes');
  const res = await fetch(url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe('s-1');
  return back.searchParams.get('code') ?? '';
}

const lastTokenForm = () => {
  const call = entra.calls
    .filter((c) => c.path.split('?')[0]?.endsWith('/oauth2/v2.0/token'))
    .at(-1);
  return new URLSearchParams(String(call?.body ?? ''));
};

const GRAPH_SCOPE = 'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory';
const ARM_SCOPE = 'https://management.azure.com/user_impersonation';
const tokenForms = () =>
  entra.calls
    .filter((c) => c.path.split('?')[0]?.endsWith('/oauth2/v2.0/token'))
    .map((c) => new URLSearchParams(String(c.body ?? '')));
/** The scopes of a token request that name an API (not the sign-in's own). */
const apiScopes = (form: URLSearchParams) =>
  (form.get('scope') ?? '').split(' ').filter((s) => s.includes('/'));

describe('the code flow', () => {
  const verifier = 'v'.repeat(50);

  it('redeems with the client secret and the verifier; jose verifies the ID token', async () => {
    const flow = new EntraCodeFlow(settings({ clientSecret: entra.clientSecret }));
    const idToken = await flow.redeem(
      await codeFor(flow, verifier, 'n-1'),
      verifier,
      REDIRECT,
      'n-1',
    );
    const form = lastTokenForm();
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')).toBe(verifier);
    expect(form.get('client_secret')).toBe(entra.clientSecret);
    const verdict = await new IdTokenVerifier(entra.authorityHost, entra.tenantId).verify(idToken, {
      clientId: entra.clientId,
      tenantId: entra.tenantId,
      nonce: 'n-1',
      oid: TENANT.alice.id,
      name: TENANT.alice.name,
      maxAge: 300,
      contexts: ['c1'],
      now: Date.now(),
    });
    expect(verdict.ok).toBe(true);
  });

  it('with an authentication context, counts only a token whose acrs carries it', async () => {
    const flow = new EntraCodeFlow(settings({ clientSecret: entra.clientSecret }));
    // Signed in with MFA, but the context was not asked for: amr has mfa, acrs has no c1.
    const idToken = await flow.redeem(
      await codeFor(flow, verifier, 'n-6', []),
      verifier,
      REDIRECT,
      'n-6',
    );
    const verdict = await new IdTokenVerifier(entra.authorityHost, entra.tenantId).verify(idToken, {
      clientId: entra.clientId,
      tenantId: entra.tenantId,
      nonce: 'n-6',
      oid: TENANT.alice.id,
      name: TENANT.alice.name,
      maxAge: 300,
      contexts: ['c1'],
      now: Date.now(),
    });
    expect(!verdict.ok && verdict.error.code).toBe('signin.no_mfa');
  });

  it('redeems with a certificate: a signed client assertion, no secret', async () => {
    const flow = new EntraCodeFlow(settings({ certificatePath: await makeClientCertificate() }));
    await flow.redeem(await codeFor(flow, verifier, 'n-2'), verifier, REDIRECT, 'n-2');
    const form = lastTokenForm();
    expect(form.get('client_secret')).toBeNull();
    expect(form.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(form.get('client_assertion')?.split('.')).toHaveLength(3);
  });

  it('redeems with a federated token file, read at each redemption', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'elevate-fic-')), 'token');
    writeFileSync(file, 'federated-token-1\n');
    const flow = new EntraCodeFlow(settings({ federatedTokenFile: file }));
    await flow.redeem(await codeFor(flow, verifier, 'n-3'), verifier, REDIRECT, 'n-3');
    expect(lastTokenForm().get('client_assertion')).toBe('federated-token-1');
    writeFileSync(file, 'federated-token-2\n');
    await flow.redeem(await codeFor(flow, verifier, 'n-4'), verifier, REDIRECT, 'n-4');
    expect(lastTokenForm().get('client_assertion')).toBe('federated-token-2');
  });

  it('is refused by Entra with a wrong verifier or a used code', async () => {
    const flow = new EntraCodeFlow(settings({ clientSecret: entra.clientSecret }));
    const code = await codeFor(flow, verifier, 'n-5');
    await expect(flow.redeem(code, 'w'.repeat(50), REDIRECT, 'n-5')).rejects.toMatchObject({
      errorCode: 'invalid_grant',
    });
    await expect(flow.redeem(code, verifier, REDIRECT, 'n-5')).rejects.toMatchObject({
      errorCode: 'invalid_grant',
    });
  });

  it('gets one token per API from one sign-in: the code for Graph, the refresh token for ARM', async () => {
    const flow = new EntraCodeFlow(settings({ clientSecret: entra.clientSecret }));
    const scopes = [GRAPH_SCOPE, ARM_SCOPE];
    const code = await codeFor(flow, verifier, 'n-7', [], scopes);
    const before = tokenForms().length;
    const { accessTokens } = await flow.redeemTokens(code, verifier, REDIRECT, 'n-7', scopes);
    const forms = tokenForms().slice(before);
    expect(forms.map((f) => [f.get('grant_type'), apiScopes(f)])).toEqual([
      ['authorization_code', [GRAPH_SCOPE]],
      ['refresh_token', [ARM_SCOPE]],
    ]);
    const claims = (scope: string) =>
      JSON.parse(
        Buffer.from(accessTokens.get(scope)?.split('.')[1] ?? '', 'base64url').toString('utf8'),
      ) as { oid: string; scp: string; amr: string[] };
    expect(claims(GRAPH_SCOPE)).toMatchObject({
      oid: TENANT.alice.id,
      scp: 'RoleAssignmentSchedule.ReadWrite.Directory',
    });
    // The sign-in's MFA carries over to the token got with its refresh token.
    expect(claims(ARM_SCOPE)).toMatchObject({
      oid: TENANT.alice.id,
      scp: 'user_impersonation',
      amr: ['pwd', 'mfa'],
    });
  });

  it('is refused by Entra when one token request names two APIs (AADSTS28000)', async () => {
    const code = await codeFor(
      new EntraCodeFlow(settings({ clientSecret: entra.clientSecret })),
      verifier,
      'n-8',
      [],
      [GRAPH_SCOPE, ARM_SCOPE],
    );
    const res = await fetch(`${entra.authorityHost}/${entra.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: entra.clientId,
        client_secret: entra.clientSecret,
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        scope: `openid profile ${GRAPH_SCOPE} ${ARM_SCOPE}`,
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([28000]);
  });

  it('cannot be built without a credential the code flow can use (a managed identity)', () => {
    expect(() => new EntraCodeFlow(settings({}))).toThrow(/needs the app credential/);
  });
});
