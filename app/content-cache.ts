/**
 * A per-process cache of serialized content items by id. Content never changes after it is
 * generated (there is no update route), so a read can skip PostgreSQL; deletes through this
 * process evict at once, and the TTL (CONTENT_CACHE_TTL_MS) bounds how long another instance
 * sharing the database may still serve an item deleted elsewhere. Bounded by
 * CONTENT_CACHE_MAX entries, oldest out first.
 */
interface Entry { json: string; expiresAt: number }

export class ContentCache {
  private readonly entries = new Map<number, Entry>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number, private readonly ttlMs: number) {}

  get enabled(): boolean { return this.maxEntries > 0 && this.ttlMs > 0; }
  get size(): number { return this.entries.size; }

  get(id: number): string | undefined {
    const e = this.entries.get(id);
    if (e && e.expiresAt > Date.now()) { this.hits++; return e.json; }
    if (e) this.entries.delete(id);
    this.misses++;
    return undefined;
  }

  set(id: number, json: string): void {
    if (!this.enabled) return;
    this.entries.delete(id);
    this.entries.set(id, { json, expiresAt: Date.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as number);
  }

  delete(ids: Iterable<number>): void {
    for (const id of ids) this.entries.delete(id);
  }
}
