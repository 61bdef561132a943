/**
 * Sign-in from chat, wired (DESIGN.md "Sign-in from chat"): the links, the store of links,
 * flows and proofs, and the /auth routes, when this bot can offer it: a public address
 * (PUBLIC_URL; the sandbox uses its own) and the app's own credential to redeem the code.
 * A policy that asks for MFA without them stops the start, so it is never silently off.
 */
import type { Handler } from '../adapters/http/route.ts';
import { EntraCodeFlow, hasClientCredential } from '../adapters/signin/entra.ts';
import { IdTokenVerifier } from '../adapters/signin/id-token.ts';
import { SignInLinkMaker } from '../adapters/signin/links.ts';
import { signInRoutes } from '../adapters/signin/routes.ts';
import type { SignInStore } from '../adapters/signin/store.ts';
import { type Config, ConfigError } from './config.ts';
import type { Policy, RolePolicy } from './core/domain/policy.ts';
import type { SignIn } from './core/ports/sign-in.ts';
import { approve } from './core/usecases/decide.ts';
import type { CoreDeps } from './core/usecases/deps.ts';

export interface SignInWiring {
  readonly signIn: SignIn;
  routes(core: () => CoreDeps): Map<string, Handler>;
}

/** Whether every role that asks for MFA also names an authentication context. */
export function contextsSet(policy: Policy): boolean {
  const ok = (p: RolePolicy) =>
    !(p.mfaRequired || p.approval.stepUp !== undefined) || (p.mfa?.contexts.length ?? 0) > 0;
  return ok(policy.defaults) && [...policy.roles.values()].every((r) => ok(r.policy));
}

/**
 * The policy.yaml settings that ask for a sign-in from chat, as people would look for them
 * (`mode: delegated` activates with the requester's own sign-in).
 */
export function mfaSettings(policy: Policy): string[] {
  const found = new Set<string>();
  const look = (p: RolePolicy) => {
    if (p.mfaRequired) found.add('mfa.required');
    if (p.approval.stepUp !== undefined) found.add('approval.stepUp');
    if (p.mode === 'delegated') found.add('mode: delegated');
  };
  look(policy.defaults);
  const sections = [policy.roles, policy.groups, policy.azureRoles];
  for (const section of sections) for (const entry of section?.values() ?? []) look(entry.policy);
  return [...found];
}

/**
 * `localUrl`: the address the server listens on, for the sandbox (known once listening).
 * Null when sign-in from chat cannot be offered and the policy does not ask for it; roles
 * whose PIM settings ask for MFA are then refused at request time.
 */
export function signInWiring(
  config: Config,
  policy: Policy,
  store: SignInStore,
  localUrl: () => string,
): SignInWiring | null {
  const asked = mfaSettings(policy);
  const azure = config.azure;
  if (!azure) return null;
  const because = `policy.yaml sets ${asked.join(' and ')}, which needs an MFA sign-in from chat`;
  if (!hasClientCredential(azure)) {
    if (asked.length === 0) return null;
    throw new ConfigError(
      `${because}, and a managed identity cannot redeem a sign-in. Set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE for the app registration (README, "Sign-in from chat").`,
    );
  }
  const fixed = config.publicUrl;
  if (!fixed && !config.sandbox) {
    if (asked.length === 0) return null;
    throw new ConfigError(
      `PUBLIC_URL is missing: ${because}, and the sign-in link and its redirect URI (PUBLIC_URL/auth/callback) need the bot's public address. Set PUBLIC_URL, e.g. https://elevate.contoso.com (README, "Sign-in from chat").`,
    );
  }
  const publicUrl = () => fixed ?? localUrl();
  const flow = new EntraCodeFlow(azure);
  const verifier = new IdTokenVerifier(flow.authorityHost, flow.tenantId);
  const links = new SignInLinkMaker(publicUrl, store);
  return {
    signIn: { links, proofs: store },
    routes: (core) => signInRoutes({ publicUrl, flow, verifier, store, core, approve }),
  };
}
