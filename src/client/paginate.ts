// Walks every page of a `{items, total, limit, offset}` list. Lists are newest first, so an item created
// while we walk pushes older ones down a slot; ids already yielded are skipped so nothing repeats.
import type { Page } from "./schemas.js";

export interface PaginateOptions {
  pageSize?: number;
  signal?: AbortSignal;
}

export async function* paginate<T>(
  fetchPage: (q: { limit: number; offset: number }) => Promise<Page<T>>,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const seen = new Set<string>();
  let offset = 0;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const page = await fetchPage({ limit, offset });
    for (const item of page.items) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id === "string") {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      yield item;
    }
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return;
  }
}
