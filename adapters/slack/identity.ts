/**
 * Who a Slack user is in Entra ID: policy.yaml `identities` first, otherwise the email on
 * their Slack profile (users.info) looked up in the directory; remembered, with the user's
 * time zone, in the identity cache that every replica shares. The user id always comes from Slack's signed request, never from a payload value.
 */
import type { WebClient } from '@slack/web-api';
import type { Principal } from '../../bot/core/domain/principal.ts';
import { type AppError, appError } from '../../bot/core/errors.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
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
  readonly #log: Logger;

  constructor(
    client: WebClient,
    directory: DirectoryLookup,
    cache: IdentityCache,
    overrides: () => ReadonlyMap<string, string>,
    log: Logger,
  ) {
    this.#client = client;
    this.#directory = directory;
    this.#cache = cache;
    this.#overrides = overrides;
    this.#log = log;
  }

  async resolve(teamId: string, userId: string): Promise<Result<SlackPerson, AppError>> {
    const key = `slack:${teamId}:${userId}`;
    const cached = await this.#cache.get(key);
    if (cached) return ok(await this.#person(key, cached));
    if (cached === null)
      return err(appError('identity.unknown', { email: 'the email on your Slack profile' }));
    const profile = await this.#client.users.info({ user: userId });
    const tz = profile.user?.tz;
    // Stored before the person, so that whoever finds the person finds the zone too.
    if (tz) await this.#cache.setZone(key, tz);
    const email = this.#overrides().get(userId) ?? profile.user?.profile?.email;
    if (!email) return err(appError('identity.no_email'));
    const principal = await this.#directory.findUser(email);
    await this.#cache.set(key, principal);
    return principal
      ? ok(tz ? { principal, timezone: tz } : { principal })
      : err(appError('identity.unknown', { email }));
  }

  /**
   * The Slack user for an Entra user (to DM a requester or approver), by email; null if none.
   * "Not in the workspace" is remembered briefly; a failed look-up is logged and not remembered.
   */
  async slackUserFor(principal: Principal): Promise<string | null> {
    const override = [...this.#overrides()].find(
      ([, email]) => email.toLowerCase() === principal.email?.toLowerCase(),
    );
    if (override) return override[0];
    if (!principal.email) return null;
    const key = `slack:${principal.id}`;
    const known = await this.#cache.chatUser(key);
    if (known !== undefined) return known;
    let id: string | null;
    try {
      id = (await this.#client.users.lookupByEmail({ email: principal.email })).user?.id ?? null;
    } catch (error) {
      if (!isNotFound(error)) {
        this.#log.warn(
          { err: error, principalId: principal.id },
          'Slack users.lookupByEmail failed; no direct message this time',
        );
        return null;
      }
      id = null;
    }
    await this.#cache.setChatUser(key, id);
    return id;
  }

  async #person(key: string, principal: Principal): Promise<SlackPerson> {
    const timezone = await this.#cache.zone(key);
    return timezone ? { principal, timezone } : { principal };
  }
}

/** Slack's answer for an email that belongs to nobody in the workspace. */
function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('data' in error)) return false;
  const data: unknown = error.data;
  return (
    typeof data === 'object' && data !== null && 'error' in data && data.error === 'users_not_found'
  );
}
