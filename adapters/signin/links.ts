/**
 * Sign-in links (DESIGN.md "Sign-in from chat"): `${PUBLIC_URL}/auth/start?t=<token>`, the
 * token random (256 bits), single use and valid for 10 minutes, bound to one request, one
 * Entra user and one purpose.
 */
import { randomBytes } from 'node:crypto';
import type { SignInGrant, SignInLinks } from '../../bot/core/ports/sign-in.ts';
import type { SignInStore } from './store.ts';

export const START_PATH = '/auth/start';
export const CALLBACK_PATH = '/auth/callback';
/** How long a link, and one redirect to Entra, stays usable. */
export const LINK_TTL_SECONDS = 10 * 60;

export const randomToken = (): string => randomBytes(32).toString('base64url');

export class SignInLinkMaker implements SignInLinks {
  readonly #baseUrl: () => string;
  readonly #store: SignInStore;

  /** `baseUrl`: PUBLIC_URL, read per link (the sandbox learns its address once listening). */
  constructor(baseUrl: () => string, store: SignInStore) {
    this.#baseUrl = baseUrl;
    this.#store = store;
  }

  async create(grant: SignInGrant): Promise<string> {
    const token = randomToken();
    await this.#store.saveLink(token, grant, LINK_TTL_SECONDS);
    return `${this.#baseUrl().replace(/\/+$/, '')}${START_PATH}?t=${token}`;
  }
}
