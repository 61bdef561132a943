/**
 * Sign-in links, flows and MFA proofs on Redis (see adapters/signin/store.ts). A link or flow
 * is taken with GETDEL (DEL for a link), so of two concurrent callbacks exactly one gets it. `<prefix>:signin:link:<sha256>`, `<prefix>:signin:flow:<sha256>`,
 * `<prefix>:signin:proof:<purpose>:<object id>`; every key expires on its own. Every value is
 * sealed like the identity cache's (adapters/redis/sealed-value.ts), and a proof carries its
 * own end: a forged or PERSISTed MFA proof is no proof.
 */

import type { SignInGrant, SignInPurpose } from '../../bot/core/ports/sign-in.ts';
import { type Integrity, processIntegrity } from '../integrity.ts';
import { digest, type SignInFlow, type SignInStore } from '../signin/store.ts';
import type { RedisClient } from './scripts.ts';
import { openValue, sealValue } from './sealed-value.ts';

export class RedisSignInStore implements SignInStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #seal: Integrity;
  readonly #now: () => number;

  /** `seal` defaults to this process's random key: fine for tests, never for shared data. */
  constructor(
    redis: RedisClient,
    prefix: string,
    seal: Integrity = processIntegrity(),
    now: () => number = Date.now,
  ) {
    this.#redis = redis;
    this.#prefix = `${prefix}:signin`;
    this.#seal = seal;
    this.#now = now;
  }

  async saveLink(token: string, grant: SignInGrant, ttlSeconds: number): Promise<void> {
    await this.#put(this.#key('link', token), JSON.stringify(grant), ttlSeconds);
  }

  async readLink(token: string): Promise<SignInGrant | null> {
    const name = this.#key('link', token);
    return this.#open<SignInGrant>(name, await this.#redis.get(name));
  }

  async takeLink(linkDigest: string): Promise<boolean> {
    return (await this.#redis.del(`${this.#prefix}:link:${linkDigest}`)) === 1;
  }

  async saveFlow(state: string, flow: SignInFlow, ttlSeconds: number): Promise<void> {
    await this.#put(this.#key('flow', state), JSON.stringify(flow), ttlSeconds);
  }

  async takeFlow(state: string): Promise<SignInFlow | null> {
    const name = this.#key('flow', state);
    return this.#open<SignInFlow>(name, await this.#redis.getdel(name));
  }

  async remember(personId: string, purpose: SignInPurpose, at: number, ttlSeconds: number) {
    const proof = { at, until: this.#now() + ttlSeconds * 1000 };
    await this.#put(this.#proofKey(personId, purpose), JSON.stringify(proof), ttlSeconds);
  }

  async provenAt(personId: string, purpose: SignInPurpose): Promise<number | null> {
    const name = this.#proofKey(personId, purpose);
    const proof = this.#open<{ at: number; until: number }>(name, await this.#redis.get(name));
    return proof !== null && proof.until > this.#now() ? proof.at : null;
  }

  async #put(name: string, text: string, ttlSeconds: number): Promise<void> {
    await this.#redis.set(name, sealValue(this.#seal, name, text), 'EX', ttlSeconds);
  }

  /** The value, or null when there is none or its seal fails (then reported). */
  #open<T>(name: string, stored: string | null): T | null {
    if (stored === null) return null;
    const text = openValue(this.#seal, name, stored);
    if (text === null) {
      this.#seal.refused({ kind: 'sign-in', name, problem: 'its seal does not match its content' });
      return null;
    }
    return JSON.parse(text) as T;
  }

  #key(kind: 'link' | 'flow', value: string): string {
    return `${this.#prefix}:${kind}:${digest(value)}`;
  }

  #proofKey(personId: string, purpose: SignInPurpose): string {
    return `${this.#prefix}:proof:${purpose}:${personId}`;
  }
}
