/**
 * What sign-in from chat keeps between the link, the redirect to Entra and the callback:
 * links (single use, bound to a request, a person and a purpose) and flows (the PKCE verifier
 * and nonce of one redirect, found again by its `state`), both taken at most once, and the
 * approvers' MFA proofs. Keys are SHA-256 of the random values, so a store dump holds no
 * usable link. One implementation on Redis (adapters/redis/signin-store.ts), one in memory.
 */
import { createHash } from 'node:crypto';
import type { MfaProofs, SignInGrant, SignInPurpose } from '../../bot/core/ports/sign-in.ts';

/** One redirect to Entra in progress. */
export interface SignInFlow {
  readonly grant: SignInGrant;
  readonly codeVerifier: string;
  readonly nonce: string;
}

export interface SignInStore extends MfaProofs {
  saveLink(token: string, grant: SignInGrant, ttlSeconds: number): Promise<void>;
  /** The link's grant, removed in the same step: a second take gets null. */
  takeLink(token: string): Promise<SignInGrant | null>;
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

  async takeLink(token: string): Promise<SignInGrant | null> {
    return this.#take<SignInGrant>(`link:${digest(token)}`);
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
