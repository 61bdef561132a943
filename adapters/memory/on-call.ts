/**
 * The OnCallLookup port in memory, for core tests: who is on call in which rotation, and a
 * provider that fails, set by hand. Records the emails it was asked about.
 */
import type { OnCallProvider, OnCallSource } from '../../bot/core/domain/policy.ts';
import type { OnCallFact } from '../../bot/core/domain/request.ts';
import type { OnCallAnswer, OnCallLookup } from '../../bot/core/ports/on-call.ts';

const key = (s: OnCallSource) => `${s.provider}:${s.kind}:${s.id}`;

export class MemoryOnCall implements OnCallLookup {
  readonly asked: string[] = [];
  readonly #rotations = new Map<string, { fact: OnCallFact; emails: string[] }>();
  readonly #failing = new Map<OnCallProvider, string>();

  /** Puts these people (and only them) on call in the rotation. */
  setOnCall(fact: OnCallFact, emails: readonly string[]): void {
    this.#rotations.set(key(fact), { fact, emails: emails.map((e) => e.toLowerCase()) });
  }

  /** The provider fails with this message until `failing(provider, null)`. */
  failing(provider: OnCallProvider, message: string | null): void {
    if (message === null) this.#failing.delete(provider);
    else this.#failing.set(provider, message);
  }

  async onCall(email: string, sources: readonly OnCallSource[]): Promise<OnCallAnswer> {
    this.asked.push(email);
    const failures = [...new Set(sources.map((s) => s.provider))].flatMap((provider) => {
      const message = this.#failing.get(provider);
      return message === undefined ? [] : [{ provider, message }];
    });
    const onCall = sources.flatMap((s) => {
      const rotation = this.#rotations.get(key(s));
      if (!rotation || this.#failing.has(s.provider)) return [];
      return rotation.emails.includes(email.toLowerCase()) ? [rotation.fact] : [];
    });
    return { onCall, failures };
  }
}
