/**
 * Start-up: sign-in from chat is on when the bot has a public address and its own client
 * credential; a policy that asks for MFA without them stops the start with what to set.
 */

import { describe, expect, it } from 'vitest';
import { MemorySignInStore } from '../../adapters/signin/store.ts';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { signInWiring } from '../../bot/sign-in.ts';
import { MINIMAL, parsed } from '../policy/helpers.ts';
import { TRUSTED_REDIS_ENV } from '../support/redis.ts';

const AZURE = {
  AZURE_TENANT_ID: 't',
  AZURE_CLIENT_ID: 'c',
  AZURE_CLIENT_SECRET: 's',
  ...TRUSTED_REDIS_ENV,
};
const plain = parsed(MINIMAL);
const mfa = parsed([...MINIMAL, 'roles:', '  Global Administrator: { mfa: { required: true } }']);
const stepUp = parsed(['defaults:', '  approval: { approvers: [a@contoso.com], stepUp: 15m }']);
const wire = (env: Record<string, string>, policy = plain) =>
  signInWiring(loadConfig(env), policy, new MemorySignInStore(), () => 'http://localhost:1');

describe('sign-in from chat at start-up', () => {
  it('refuses to start without PUBLIC_URL when a role needs MFA or stepUp is set', () => {
    expect(() => wire(AZURE, mfa)).toThrow(ConfigError);
    expect(() => wire(AZURE, mfa)).toThrow(
      /^PUBLIC_URL is missing: policy.yaml sets mfa.required, which needs an MFA sign-in from chat/,
    );
    expect(() => wire(AZURE, stepUp)).toThrow(/policy.yaml sets approval.stepUp/);
  });

  it('refuses a managed identity when the policy needs sign-in', () => {
    const env = {
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      PUBLIC_URL: 'https://e.example',
      ...TRUSTED_REDIS_ENV,
    };
    expect(() => wire(env, mfa)).toThrow(/a managed identity cannot redeem a sign-in/);
    expect(wire(env, plain)).toBeNull();
  });

  it('is off without PUBLIC_URL when nothing asks for it, and on with it', async () => {
    expect(wire(AZURE)).toBeNull();
    const on = wire({ ...AZURE, PUBLIC_URL: 'https://elevate.contoso.com/' }, mfa);
    const link = await on?.signIn.links.create({
      requestId: 'R1',
      person: { id: 'u', displayName: 'U' },
      purpose: 'activate',
    });
    expect(link).toMatch(/^https:\/\/elevate\.contoso\.com\/auth\/start\?t=[A-Za-z0-9_-]{43}$/);
    expect([
      ...(on
        ?.routes(() => {
          throw new Error('not called');
        })
        .keys() ?? []),
    ]).toEqual(['GET /auth/start', 'GET /auth/callback']);
  });
});
