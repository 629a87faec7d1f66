// One RoughyClient per caller's key, kept a short while so that a burst of requests from one user does
// not rebuild it each time. The map is keyed by a SHA-256 of the key, so no key sits in memory as a map
// key or ends up in a heap dump's string table twice; a client is never shared between two keys. All
// clients share one connection pool: the key travels per request in its own Authorization header.

import { createHash } from "node:crypto";
import { Agent } from "undici";
import { RoughyClient } from "../client/index.js";

export type ClientCacheOptions = {
  baseUrl?: string;
  /** How long an unused client is kept. Default 5 minutes. */
  ttlMs?: number;
  /** At most this many clients; the least recently used goes first. Default 1000. */
  maxEntries?: number;
  timeoutMs?: number;
  userAgent?: string;
};

type Entry = { client: RoughyClient; lastUsed: number };

export function keyHash(apiKey: string): string {
  return createHash("sha256").update(apiKey, "utf8").digest("hex");
}

export class ClientCache {
  private readonly entries = new Map<string, Entry>();
  private readonly dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: ClientCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The client for this key, made on first use. */
  get(apiKey: string, now = Date.now()): RoughyClient {
    this.sweep(now);
    const hash = keyHash(apiKey);
    const found = this.entries.get(hash);
    if (found) {
      // Re-inserted so that the Map's order is least recently used first.
      this.entries.delete(hash);
      found.lastUsed = now;
      this.entries.set(hash, found);
      return found.client;
    }
    const client = new RoughyClient({
      apiKey,
      baseUrl: this.options.baseUrl,
      timeoutMs: this.options.timeoutMs,
      userAgent: this.options.userAgent ?? "roughy-mcp (http)",
      dispatcher: this.dispatcher,
    });
    this.entries.set(hash, { client, lastUsed: now });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return client;
  }

  private sweep(now: number): void {
    for (const [hash, entry] of this.entries) {
      if (now - entry.lastUsed <= this.ttlMs) break;
      this.entries.delete(hash);
    }
  }

  async close(): Promise<void> {
    this.entries.clear();
    await this.dispatcher.close();
  }
}
