/**
 * What sign-in from chat keeps between the link, the redirect to Entra and the callback:
 * links (bound to a request, a person and a purpose) and flows (the PKCE verifier and nonce
 * of one redirect, found again by its `state`), and the approvers' MFA proofs. Opening a
 * link only reads it (a link scanner that follows it burns nothing); the callback takes the
 * flow and then its link, each at most once, so one link completes one sign-in. Keys are
 * SHA-256 of the random values, so a store dump holds no usable link. One implementation on
 * Redis (adapters/redis/signin-store.ts), one in memory.
 */
import { createHash } from 'node:crypto';
import type { MfaProofs, SignInGrant, SignInPurpose } from '../../bot/core/ports/sign-in.ts';

/** One redirect to Entra in progress. */
export interface SignInFlow {
  readonly grant: SignInGrant;
  readonly codeVerifier: string;
  readonly nonce: string;
  /** The digest of the link it started from, taken when the flow comes back. */
  readonly link: string;
}

export interface SignInStore extends MfaProofs {
  saveLink(token: string, grant: SignInGrant, ttlSeconds: number): Promise<void>;
  /** The link's grant, left in place (opening a link does not use it up). */
  readLink(token: string): Promise<SignInGrant | null>;
  /** Uses the link up: of any number of takers (by its digest) exactly one gets true. */
  takeLink(linkDigest: string): Promise<boolean>;
  saveFlow(state: string, flow: SignInFlow, ttlSeconds: number): Promise<void>;
  takeFlow(state: string): Promise<SignInFlow | null>;
}

export const digest = (value: string): string =>
  createHash('sha256').update(value).digest('base64url');

/** For the sandbox without Redis and for tests: one process, expiry by the given clock. */
export class MemorySignInStore implements SignInStore {
  readonly #now: () => number;
  readonly #items = new Map<string, { value: string; until: number }>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async saveLink(token: string, grant: SignInGrant, ttlSeconds: number): Promise<void> {
    this.#put(`link:${digest(token)}`, JSON.stringify(grant), ttlSeconds);
  }

  async readLink(token: string): Promise<SignInGrant | null> {
    const value = this.#live(`link:${digest(token)}`);
    return value === null ? null : (JSON.parse(value) as SignInGrant);
  }

  async takeLink(linkDigest: string): Promise<boolean> {
    return this.#take<SignInGrant>(`link:${linkDigest}`) !== null;
  }

  async saveFlow(state: string, flow: SignInFlow, ttlSeconds: number): Promise<void> {
    this.#put(`flow:${digest(state)}`, JSON.stringify(flow), ttlSeconds);
  }

  async takeFlow(state: string): Promise<SignInFlow | null> {
    return this.#take<SignInFlow>(`flow:${digest(state)}`);
  }

  async remember(personId: string, purpose: SignInPurpose, at: number, ttlSeconds: number) {
    this.#put(`proof:${purpose}:${personId}`, String(at), ttlSeconds);
  }

  async provenAt(personId: string, purpose: SignInPurpose): Promise<number | null> {
    const item = this.#live(`proof:${purpose}:${personId}`);
    return item === null ? null : Number(item);
  }

  #put(key: string, value: string, ttlSeconds: number): void {
    this.#items.set(key, { value, until: this.#now() + ttlSeconds * 1000 });
  }

  #live(key: string): string | null {
    const item = this.#items.get(key);
    if (!item) return null;
    if (item.until <= this.#now()) {
      this.#items.delete(key);
      return null;
    }
    return item.value;
  }

  #take<T>(key: string): T | null {
    const value = this.#live(key);
    this.#items.delete(key);
    return value === null ? null : (JSON.parse(value) as T);
  }
}
