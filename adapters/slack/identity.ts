/**
 * Who a Slack user is in Entra ID: policy.yaml `identities` first, otherwise the email on
 * their Slack profile (users.info) looked up in the directory; remembered in the identity
 * cache. The user id always comes from Slack's signed request, never from a payload value.
 */
import type { WebClient } from '@slack/web-api';
import type { Principal } from '../../bot/core/domain/principal.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import type { IdentityCache } from '../chat/identity-cache.ts';

export interface SlackPerson {
  readonly principal: Principal;
  /** The user's own zone from their Slack profile, for `at 14:00`. */
  readonly timezone?: string;
}

export class SlackIdentity {
  readonly #client: WebClient;
  readonly #directory: DirectoryLookup;
  readonly #cache: IdentityCache;
  readonly #overrides: () => ReadonlyMap<string, string>;
  readonly #zones = new Map<string, string>();
  /** Entra id → Slack user id (or null); people rarely change, and a restart clears it. */
  readonly #slackIds = new Map<string, string | null>();

  constructor(
    client: WebClient,
    directory: DirectoryLookup,
    cache: IdentityCache,
    overrides: () => ReadonlyMap<string, string>,
  ) {
    this.#client = client;
    this.#directory = directory;
    this.#cache = cache;
    this.#overrides = overrides;
  }

  async resolve(teamId: string, userId: string): Promise<Result<SlackPerson, AppError>> {
    const key = `slack:${teamId}:${userId}`;
    const cached = await this.#cache.get(key);
    if (cached) return ok(this.#person(userId, cached));
    if (cached === null)
      return err(appError('identity.unknown', { email: 'the email on your Slack profile' }));
    const profile = await this.#client.users.info({ user: userId });
    const tz = profile.user?.tz;
    if (tz) this.#zones.set(userId, tz);
    const email = this.#overrides().get(userId) ?? profile.user?.profile?.email;
    if (!email) return err(appError('identity.no_email'));
    const principal = await this.#directory.findUser(email);
    await this.#cache.set(key, principal);
    return principal
      ? ok(this.#person(userId, principal))
      : err(appError('identity.unknown', { email }));
  }

  /** The Slack user for an Entra user (to DM a requester or approver), by email; null if none. */
  async slackUserFor(principal: Principal): Promise<string | null> {
    const override = [...this.#overrides()].find(
      ([, email]) => email.toLowerCase() === principal.email?.toLowerCase(),
    );
    if (override) return override[0];
    if (!principal.email) return null;
    const known = this.#slackIds.get(principal.id);
    if (known !== undefined) return known;
    let id: string | null = null;
    try {
      id = (await this.#client.users.lookupByEmail({ email: principal.email })).user?.id ?? null;
    } catch {
      // users_not_found: this person is not in the Slack workspace.
    }
    this.#slackIds.set(principal.id, id);
    return id;
  }

  #person(userId: string, principal: Principal): SlackPerson {
    const timezone = this.#zones.get(userId);
    return timezone ? { principal, timezone } : { principal };
  }
}
