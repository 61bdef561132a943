/**
 * Where to reach a Teams user proactively: the conversation reference from their last
 * message to the bot, kept by Entra object id. Stored as JSON so the core never sees it.
 */
export interface ConversationRefs {
  save(userObjectId: string, reference: unknown): Promise<void>;
  get(userObjectId: string): Promise<unknown | null>;
}

export class MemoryConversationRefs implements ConversationRefs {
  readonly #refs = new Map<string, string>();

  async save(userObjectId: string, reference: unknown): Promise<void> {
    this.#refs.set(userObjectId, JSON.stringify(reference));
  }

  async get(userObjectId: string): Promise<unknown | null> {
    const found = this.#refs.get(userObjectId);
    return found === undefined ? null : (JSON.parse(found) as unknown);
  }
}
