/**
 * The keys behind every seal and the audit chain: HMAC-SHA256 under keys derived (HKDF) from
 * one secret that lives outside Redis (ELEVATE_HMAC_KEY, a Key Vault reference in Container
 * Apps). Each purpose gets its own key, so a seal made for a cache entry is never a valid job
 * seal or audit hash. Refusals go to every listener the composition root added.
 */
import {
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type {
  IntegrityIncident,
  Integrity as IntegrityPort,
  SealPurpose,
} from '../bot/core/ports/integrity.ts';

type KeyPurpose = SealPurpose | 'audit';
const PURPOSES: readonly KeyPurpose[] = ['record', 'job', 'audit'];

export type RefusalListener = (incident: IntegrityIncident) => void;

export class Integrity implements IntegrityPort {
  /** KeyObjects, not Buffers: Node prepares a Buffer key anew on every HMAC (6× slower). */
  readonly #keys: ReadonlyMap<KeyPurpose, KeyObject>;
  readonly #listeners: RefusalListener[] = [];

  private constructor(secret: Buffer) {
    this.#keys = new Map(
      PURPOSES.map((p) => [
        p,
        createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'elevate', `elevate ${p} v1`, 32))),
      ]),
    );
  }

  /** From the configured secret (at least 32 characters; see README, ELEVATE_HMAC_KEY). */
  static fromSecret(secret: string): Integrity {
    return new Integrity(Buffer.from(secret, 'utf8'));
  }

  /** A random key for this process only: tests and one-process tools, never shared data. */
  static ephemeral(): Integrity {
    return new Integrity(randomBytes(32));
  }

  /**
   * The sandbox's key when none is configured: derived from the key prefix, so restarts and a
   * second sandbox process agree. Not a secret; the sandbox grants nothing real.
   */
  static sandbox(prefix: string): Integrity {
    return new Integrity(Buffer.from(`elevate sandbox, not a secret: ${prefix}`, 'utf8'));
  }

  seal(purpose: SealPurpose, name: string, text: string): string {
    return this.#mac(purpose, name, text);
  }

  check(purpose: SealPurpose, name: string, text: string, seal: string): boolean {
    const expected = Buffer.from(this.#mac(purpose, name, text), 'hex');
    const given = Buffer.from(seal, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * The seal of `parts` joined by NULs, as its 32 bytes: the same HMAC as `seal` over the
   * joined text, without joining or encoding it (a record read as Buffers is checked as it
   * came). Stored where 32 bytes instead of 64 hex characters count (request-store.ts).
   */
  sealBytes(purpose: SealPurpose, name: string, parts: readonly (string | Buffer)[]): Buffer {
    const hmac = createHmac('sha256', this.#key(purpose)).update(name);
    for (const part of parts) hmac.update(NUL).update(part);
    return hmac.digest();
  }

  /** True when `seal` (its 32 bytes, or the 64 hex characters `seal` makes) seals `parts`. */
  checkBytes(
    purpose: SealPurpose,
    name: string,
    parts: readonly (string | Buffer)[],
    seal: Buffer,
  ): boolean {
    const given = seal.length === 64 ? Buffer.from(seal.toString('latin1'), 'hex') : seal;
    const expected = this.sealBytes(purpose, name, parts);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The audit chain's link: HMAC over the previous hash and the entry's canonical JSON. */
  chainHash(prevHash: string, canonicalEntry: string): string {
    return createHmac('sha256', this.#key('audit'))
      .update(prevHash)
      .update(canonicalEntry)
      .digest('hex');
  }

  refused(incident: IntegrityIncident): void {
    for (const listener of this.#listeners) {
      try {
        listener(incident);
      } catch {
        // A failing reporter must not turn a refusal into an acceptance or a crash.
      }
    }
  }

  onRefusal(listener: RefusalListener): void {
    this.#listeners.push(listener);
  }

  #mac(purpose: KeyPurpose, name: string, text: string): string {
    // The NUL cannot occur in a key name, so no (name, text) pair runs into another.
    return createHmac('sha256', this.#key(purpose))
      .update(name)
      .update('\0')
      .update(text)
      .digest('hex');
  }

  #key(purpose: KeyPurpose): KeyObject {
    const key = this.#keys.get(purpose);
    if (!key) throw new Error(`no key for ${purpose}`);
    return key;
  }
}

const NUL = Buffer.of(0);

let processKey: Integrity | null = null;

/**
 * One random key shared by every store of this process that was not given one: what unit
 * tests get, so that a store and an audit log built apart still agree.
 */
export function processIntegrity(): Integrity {
  processKey ??= Integrity.ephemeral();
  return processKey;
}
