/** Wording shared by the alert checks. */
import type { CoreDeps } from '../deps.ts';

export const hours = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.round(seconds / 60)}m`;
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Display names from the directory, looked up once per scan. */
export class Names {
  readonly #deps: CoreDeps;
  readonly #known = new Map<string, Promise<string>>();
  constructor(deps: CoreDeps) {
    this.#deps = deps;
  }
  of(id: string): Promise<string> {
    let name = this.#known.get(id);
    if (!name) {
      name = this.#deps.directory
        .findUser(id)
        .then((p) => (p ? `${p.displayName} (${p.email})` : id))
        .catch(() => id);
      this.#known.set(id, name);
    }
    return name;
  }
}
