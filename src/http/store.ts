// What replicas of the HTTP mode must agree on beyond the self-contained tokens: which single-use ids were
// spent (authorization codes, rotated refresh tokens) and which grants were revoked. One instance keeps them in
// memory; several share them through Redis (--redis-url), where each id is one key set with SET NX and an
// absolute expiry equal to the token's own, so the check-and-spend is atomic across replicas and the key
// vanishes when the token could no longer be presented anyway. Only random ids (jti, grant family) are
// stored, never a token or a key. The rate-limit counters (rate-limits.ts) use the same connection.
//
// Security state fails closed: when Redis cannot answer, StoreUnavailable is thrown and the caller refuses
// (503) rather than redeem a code or accept a token it cannot check.

import { createClient } from "@redis/client";

export class StoreUnavailable extends Error {}

export interface SpentIds {
  /** Marks `id` spent until `exp` (epoch seconds); false when it already was. */
  spend(id: string, exp: number): Promise<boolean>;
  /** Whether any of `ids` was spent. */
  anySpent(ids: string[]): Promise<boolean>;
}

export class MemorySpentIds implements SpentIds {
  private readonly ids = new Map<string, number>();

  async spend(id: string, exp: number): Promise<boolean> {
    this.sweep();
    if (this.ids.has(id)) return false;
    this.ids.set(id, exp);
    return true;
  }

  async anySpent(ids: string[]): Promise<boolean> {
    return ids.some((id) => this.ids.has(id));
  }

  private sweep(): void {
    const now = Date.now() / 1000;
    for (const [id, exp] of this.ids) if (exp < now) this.ids.delete(id);
  }
}

/** How long one store command may take before the request it serves is refused. */
const COMMAND_TIMEOUT_MS = 2000;

// Commands are not queued while disconnected: they fail at once (and time out after COMMAND_TIMEOUT_MS), so a
// request waits for nothing that may never come. Before the first connection an error ends the attempt
// (connect() rejects); after it, reconnection backs off up to 5 s.
function newClient(url: string, everConnected: () => boolean) {
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: { connectTimeout: 5000, reconnectStrategy: (retries: number, cause: Error) => (everConnected() ? Math.min(100 * 2 ** retries, 5000) : cause) },
  });
}

export type RedisConnection = ReturnType<typeof newClient>;
const KEY_PREFIX = "roughy-mcp:spent:";

/** The URL with any user name and password replaced, for messages. */
export function redactedStoreUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.username) parsed.username = "***";
    return parsed.toString();
  } catch {
    return "(unparsable store URL)";
  }
}

export class RedisSpentIds implements SpentIds {
  constructor(private readonly client: RedisConnection) {}

  async spend(id: string, exp: number): Promise<boolean> {
    const answer = await storeCall(() => this.client.set(KEY_PREFIX + id, "1", { condition: "NX", expiration: { type: "EXAT", value: Math.max(exp, Math.ceil(Date.now() / 1000) + 1) } }));
    return answer === "OK";
  }

  async anySpent(ids: string[]): Promise<boolean> {
    return (await storeCall(() => this.client.exists(ids.map((id) => KEY_PREFIX + id)))) > 0;
  }
}

async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreUnavailable(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Connects to Redis and keeps reconnecting after a loss. The first connection must succeed (a wrong URL stops
 * the start instead of leaving every sign-in refused).
 */
export async function connectRedis(url: string, logger: (line: string) => void): Promise<RedisConnection> {
  const shown = redactedStoreUrl(url);
  let connected = false;
  let down = false;
  const client = newClient(url, () => connected);
  client.on("error", (error: Error) => {
    // One line per outage, not one per reconnect attempt.
    if (connected && !down) logger(`store: lost the connection to ${shown} (${error.message}); redeeming codes, refreshing, revoking and checking OAuth tokens answer 503 until it is back.`);
    if (connected) down = true;
  });
  client.on("ready", () => {
    if (down) logger(`store: connected to ${shown} again.`);
    down = false;
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Could not connect to the store at ${shown}: ${error instanceof Error ? error.message : String(error)}. Check --redis-url / ROUGHY_REDIS_URL and that Redis is running.`);
  }
  connected = true;
  return client;
}
