/**
 * Sign-in links, flows and MFA proofs on Redis (see adapters/signin/store.ts). A link or flow
 * is taken with GETDEL (DEL for a link), so of two concurrent callbacks exactly one gets it. `<prefix>:signin:link:<sha256>`, `<prefix>:signin:flow:<sha256>`,
 * `<prefix>:signin:proof:<purpose>:<object id>`; every key expires on its own.
 */

import type { SignInGrant, SignInPurpose } from '../../bot/core/ports/sign-in.ts';
import { digest, type SignInFlow, type SignInStore } from '../signin/store.ts';
import type { RedisClient } from './scripts.ts';

export class RedisSignInStore implements SignInStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#prefix = `${prefix}:signin`;
  }

  async saveLink(token: string, grant: SignInGrant, ttlSeconds: number): Promise<void> {
    await this.#redis.set(this.#key('link', token), JSON.stringify(grant), 'EX', ttlSeconds);
  }

  async readLink(token: string): Promise<SignInGrant | null> {
    const value = await this.#redis.get(this.#key('link', token));
    return value === null ? null : (JSON.parse(value) as SignInGrant);
  }

  async takeLink(linkDigest: string): Promise<boolean> {
    return (await this.#redis.del(`${this.#prefix}:link:${linkDigest}`)) === 1;
  }

  async saveFlow(state: string, flow: SignInFlow, ttlSeconds: number): Promise<void> {
    await this.#redis.set(this.#key('flow', state), JSON.stringify(flow), 'EX', ttlSeconds);
  }

  takeFlow(state: string): Promise<SignInFlow | null> {
    return this.#take<SignInFlow>(this.#key('flow', state));
  }

  async remember(personId: string, purpose: SignInPurpose, at: number, ttlSeconds: number) {
    await this.#redis.set(this.#proofKey(personId, purpose), String(at), 'EX', ttlSeconds);
  }

  async provenAt(personId: string, purpose: SignInPurpose): Promise<number | null> {
    const at = await this.#redis.get(this.#proofKey(personId, purpose));
    return at === null ? null : Number(at);
  }

  #key(kind: 'link' | 'flow', value: string): string {
    return `${this.#prefix}:${kind}:${digest(value)}`;
  }

  #proofKey(personId: string, purpose: SignInPurpose): string {
    return `${this.#prefix}:proof:${purpose}:${personId}`;
  }

  async #take<T>(key: string): Promise<T | null> {
    const value = await this.#redis.getdel(key);
    return value === null ? null : (JSON.parse(value) as T);
  }
}
