/** Runs one conversation's work after whatever is running for it, so two messages never race on its state. */
export class ConversationQueue {
  private readonly running = new Map<string, Promise<void>>();

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.running.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(() => undefined, () => undefined);
    this.running.set(conversationId, settled);
    void settled.then(() => { if (this.running.get(conversationId) === settled) this.running.delete(conversationId); });
    return next;
  }

  /** Resolves when nothing is running for any conversation. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all(this.running.values());
  }
}
