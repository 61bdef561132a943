/**
 * Who a Slack user is in Entra ID: policy.yaml `identities` first, otherwise the email on
 * their Slack profile (users.info) looked up in the directory; remembered, with the user's
 * time zone, in the identity cache that every replica shares. The user id always comes from
 * Slack's signed request, never from a payload value.
 *
 * Only this workspace's people count: the workspace is learnt once from auth.test of the bot
 * token (no setting to get wrong), and a request from another team, or a user whose home team
 * is another (Slack Connect guests in a shared channel), is refused. The profile email names
 * an Entra user only when Slack reports it confirmed (`is_email_confirmed`): an unconfirmed
 * address is whatever the person typed.
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

/** The workspace the bot token belongs to (auth.test). */
interface Workspace {
  readonly teamId: string;
  /** Set for an org-wide install on Enterprise Grid: every workspace of the org is ours. */
  readonly enterpriseId?: string;
}

type SlackUser = NonNullable<Awaited<ReturnType<WebClient['users']['info']>>['user']>;

export class SlackIdentity {
  readonly #client: WebClient;
  readonly #directory: DirectoryLookup;
  readonly #cache: IdentityCache;
  readonly #overrides: () => ReadonlyMap<string, string>;
  readonly #log: Logger;
  #workspace: Promise<Workspace> | undefined;

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

  async resolve(
    teamId: string,
    userId: string,
    enterpriseId?: string,
  ): Promise<Result<SlackPerson, AppError>> {
    const home = await this.#home();
    if (!ours(home, teamId, enterpriseId)) {
      this.#log.warn(
        { teamId, enterpriseId, userId },
        'Slack request from another workspace refused',
      );
      return err(appError('identity.foreign_workspace'));
    }
    const key = `slack:${teamId}:${userId}`;
    const cached = await this.#cache.get(key);
    if (cached) return ok(await this.#person(key, cached));
    if (cached === null)
      return err(appError('identity.unknown', { email: 'the email on your Slack profile' }));
    const user = (await this.#client.users.info({ user: userId })).user;
    if (!user || user.deleted || !memberOf(home, user)) {
      this.#log.warn(
        { teamId, userId, userTeam: user?.team_id },
        'Slack user of another team refused',
      );
      return err(appError('identity.foreign_workspace'));
    }
    const tz = user.tz;
    // Stored before the person, so that whoever finds the person finds the zone too.
    if (tz) await this.#cache.setZone(key, tz);
    const email = this.#overrides().get(userId) ?? confirmedEmail(user);
    if (email === 'unconfirmed') return err(appError('identity.email_unconfirmed'));
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

  /** Asked once per process; a failed auth.test is asked again at the next request. */
  #home(): Promise<Workspace> {
    this.#workspace ??= this.#client.auth.test().then(
      (r) => ({
        teamId: r.team_id ?? '',
        ...(r.is_enterprise_install && r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
      }),
      (error: unknown) => {
        this.#workspace = undefined;
        throw error;
      },
    );
    return this.#workspace;
  }

  async #person(key: string, principal: Principal): Promise<SlackPerson> {
    const timezone = await this.#cache.zone(key);
    return timezone ? { principal, timezone } : { principal };
  }
}

/** Whether a request's team (or org) is the bot's own. */
function ours(home: Workspace, teamId: string, enterpriseId: string | undefined): boolean {
  if (home.teamId !== '' && teamId === home.teamId) return true;
  return home.enterpriseId !== undefined && enterpriseId === home.enterpriseId;
}

/** Whether the user belongs to the bot's workspace, not only to a channel shared with it. */
function memberOf(home: Workspace, user: SlackUser): boolean {
  if (home.teamId !== '' && user.team_id === home.teamId) return true;
  const grid = user.enterprise_user;
  if (!grid) return false;
  if (home.enterpriseId !== undefined) return grid.enterprise_id === home.enterpriseId;
  return grid.teams?.includes(home.teamId) ?? false;
}

/** The profile email when Slack confirmed it; `unconfirmed` when there is one it did not. */
function confirmedEmail(user: SlackUser): string | 'unconfirmed' | undefined {
  const email = user.profile?.email;
  if (!email) return undefined;
  return user.is_email_confirmed === true ? email : 'unconfirmed';
}

/** Slack's answer for an email that belongs to nobody in the workspace. */
function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('data' in error)) return false;
  const data: unknown = error.data;
  return (
    typeof data === 'object' && data !== null && 'error' in data && data.error === 'users_not_found'
  );
}
