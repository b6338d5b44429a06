/** What a client asked for when it opened a conversation. */
export interface Opening { locale?: string; customerId?: string; at: number }

/**
 * Conversations opened with POST /api/conversations that have no message yet. The engine stores a conversation with
 * its first message (that is when it starts, for the outcomes), so until then only this process knows the id: a
 * restart forgets it, and the client opens another. Bounded, so that opening conversations in a loop cannot grow
 * memory without end; entries older than `maxAgeMs` are forgotten.
 */
export class NewConversations {
  private readonly openings = new Map<string, Opening>();

  constructor(private readonly limits: { max: number; maxAgeMs: number }, private readonly now: () => number) {}

  add(id: string, opening: Omit<Opening, 'at'>): void {
    this.prune();
    if (this.openings.size >= this.limits.max) this.openings.delete(this.openings.keys().next().value!);
    this.openings.set(id, { ...opening, at: this.now() });
  }

  get(id: string): Opening | undefined {
    const opening = this.openings.get(id);
    if (opening && this.now() - opening.at > this.limits.maxAgeMs) {
      this.openings.delete(id);
      return undefined;
    }
    return opening;
  }

  delete(id: string): boolean {
    return this.openings.delete(id);
  }

  /** The oldest come first in a Map: stop at the first one still young. */
  private prune(): void {
    for (const [id, opening] of this.openings) {
      if (this.now() - opening.at <= this.limits.maxAgeMs) break;
      this.openings.delete(id);
    }
  }
}
