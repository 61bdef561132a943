/**
 * The credential follows configuration, and each kind that can sign in offline does so
 * against the stand-in's token endpoint with the real @azure/identity.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  authorityOptions,
  createCredential,
  credentialKind,
} from '../../../adapters/graph/credential.ts';
import { GraphRefusedError } from '../../../adapters/graph/errors.ts';
import { makeClientCertificate } from '../../support/client-certificate.ts';
import { grant, useGraph } from './graph-fixture.ts';

const env = useGraph();
const tokenCalls = () => env.graph.calls.filter((c) => c.path.includes('/oauth2/v2.0/token'));

describe('credential choice', () => {
  const base = { tenantId: 't', clientId: 'c' };

  it('prefers a certificate, then a secret, then workload identity, else managed identity', () => {
    expect(credentialKind({ ...base, certificatePath: '/x.pem', clientSecret: 's' })).toBe(
      'certificate',
    );
    expect(credentialKind({ ...base, clientSecret: 's' })).toBe('secret');
    expect(credentialKind({ ...base, federatedTokenFile: '/var/run/token' })).toBe('workload');
    expect(credentialKind(base)).toBe('managed');
    expect(createCredential({ ...base, clientSecret: 's' })).toBeInstanceOf(ClientSecretCredential);
    expect(createCredential({ ...base, certificatePath: '/x.pem' })).toBeInstanceOf(
      ClientCertificateCredential,
    );
    expect(createCredential({ ...base, federatedTokenFile: '/t' })).toBeInstanceOf(
      WorkloadIdentityCredential,
    );
    expect(createCredential(base)).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential({ tenantId: 't' })).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('turns instance discovery off for an authority MSAL does not know', () => {
    expect(authorityOptions(undefined)).toEqual({});
    expect(authorityOptions('https://login.microsoftonline.us')).toEqual({
      authorityHost: 'https://login.microsoftonline.us',
    });
    expect(authorityOptions('https://LOGIN.partner.microsoftonline.cn/')).toEqual({
      authorityHost: 'https://LOGIN.partner.microsoftonline.cn/',
    });
    expect(authorityOptions('https://localhost:8443')).toEqual({
      authorityHost: 'https://localhost:8443',
      disableInstanceDiscovery: true,
    });
    // A look-alike is not Microsoft's.
    expect(authorityOptions('https://login.microsoftonline.com.evil.example')).toMatchObject({
      disableInstanceDiscovery: true,
    });
  });
});

describe('signing in', () => {
  it('with a client secret, once: the token is cached by the SDK', async () => {
    const { privileges } = env.adapter();
    await privileges.listRoles();
    await privileges.activeAssignments('6b2e9f4a-0000-4000-8000-00000000a11c');
    expect(tokenCalls()).toHaveLength(1);
    const form = new URLSearchParams(String(tokenCalls()[0]?.body));
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe(`${env.graph.graphBaseUrl}/.default`);
  });

  it('with a certificate: a signed client assertion, no secret', async () => {
    const certificatePath = await makeClientCertificate();
    const { privileges } = env.adapter({ azure: { clientSecret: undefined, certificatePath } });
    expect(await privileges.listRoles()).toHaveLength(3);
    const form = new URLSearchParams(String(tokenCalls()[0]?.body));
    expect(form.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(form.get('client_assertion')?.split('.')).toHaveLength(3);
    expect(form.has('client_secret')).toBe(false);
  });

  it('with workload identity: the federated token file is the client assertion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elevate-wi-'));
    const federatedTokenFile = join(dir, 'azure-identity-token');
    writeFileSync(federatedTokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln');
    const { privileges } = env.adapter({
      azure: { clientSecret: undefined, federatedTokenFile },
    });
    expect(await privileges.listRoles()).toHaveLength(3);
    const form = new URLSearchParams(String(tokenCalls()[0]?.body));
    expect(form.get('client_assertion')).toBe(
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln',
    );
  });

  it('a wrong secret is a sign-in refusal that never shows the secret', async () => {
    const secret = 'wrong-secret-Zx81';
    const { privileges, directory, stats } = env.adapter({ azure: { clientSecret: secret } });
    const read = await privileges.listRoles().catch((e: unknown) => e);
    expect(read).toBeInstanceOf(GraphRefusedError);
    expect((read as GraphRefusedError).appError.code).toBe('graph.sign_in_failed');
    expect((read as Error).message).toMatch(/cannot sign in to Microsoft Entra/);
    expect((read as Error).message).not.toContain(secret);
    const write = await privileges.activate(grant());
    expect(write).toMatchObject({ ok: false, error: { code: 'graph.sign_in_failed' } });
    expect(JSON.stringify(write)).not.toContain(secret);
    await expect(directory.findUser('alice@contoso.com')).rejects.toBeInstanceOf(GraphRefusedError);
    expect(env.graphCalls()).toHaveLength(0);
    expect(stats.snapshot().signInFailures).toBeGreaterThanOrEqual(3);
  });

  it('an unknown app id is a sign-in refusal too', async () => {
    const { privileges } = env.adapter({
      azure: { clientId: '00000000-0000-4000-8000-000000000000' },
    });
    await expect(privileges.listRoles()).rejects.toMatchObject({
      appError: { code: 'graph.sign_in_failed' },
    });
  });
});
