/**
 * Answers kept for a short while, per key: what the entity tab reads (the
 * entity, the caller's permissions) is asked of the catalog and the policy
 * once per window, however many of the caller's tabs read it. A failed
 * answer is not kept, so the next read asks again; a pending one is shared.
 */
export class RecentAnswers<T> {
  private readonly answers = new Map<
    string,
    { at: number; answer: Promise<T> }
  >();

  constructor(
    private readonly maxAgeMs: number,
    private readonly options: { maxEntries?: number; now?: () => number } = {},
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  get(key: string, ask: () => Promise<T>): Promise<T> {
    const kept = this.answers.get(key);
    if (kept && this.now() - kept.at <= this.maxAgeMs) return kept.answer;
    const answer = ask();
    const entry = { at: this.now(), answer };
    answer.catch(() => {
      if (this.answers.get(key) === entry) this.answers.delete(key);
    });
    // Each key is one user's, so the map is bounded by evicting the oldest
    // entries (a Map iterates in insertion order; a renewed key moves last).
    this.answers.delete(key);
    this.answers.set(key, entry);
    const maxEntries = this.options.maxEntries ?? 10_000;
    while (this.answers.size > maxEntries) {
      this.answers.delete(this.answers.keys().next().value!);
    }
    return answer;
  }
}
