// How often one caller may knock, for a server on the public internet: client registration and the consent
// form (where a Roughy key is tried) per IP, the token endpoint per client and per IP, MCP requests per token.
// Counting is rate-limiter-flexible's (fixed windows; in memory for one instance, in Redis with an atomic
// INCR+EXPIRE script when replicas share a store, so the count is the same whichever replica a request hits).
// If Redis stops answering, counting falls back to each instance's memory (the library's insurance limiter):
// a limit is a brake, not security state, so it degrades instead of refusing every request.

import { createHash } from "node:crypto";
import type http from "node:http";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisConnection } from "./store.js";

export const LIMIT_NAMES = ["register-ip", "consent-ip", "consent-client", "token-ip", "token-client", "mcp-token"] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
/** `points` requests per `seconds`; null: no limit. */
export type Limit = { points: number; seconds: number } | null;

// Registration and consent are once per user and connector; the token endpoint is hit at each refresh (hourly)
// and MCP traffic is an agent's pace (a few calls a second at most). Hosts like claude.ai register and refresh
// from a few shared egress addresses, hence the generous per-IP figures.
export const DEFAULT_RATE_LIMITS: Record<LimitName, Limit> = {
  "register-ip": { points: 30, seconds: 60 },
  "consent-ip": { points: 10, seconds: 60 },
  "consent-client": { points: 30, seconds: 60 },
  "token-ip": { points: 300, seconds: 60 },
  "token-client": { points: 60, seconds: 60 },
  "mcp-token": { points: 600, seconds: 60 },
};

/** Parses `ROUGHY_RATE_LIMITS`: `name=points/seconds` or `name=off`, comma-separated. */
export function parseRateLimits(text: string | undefined): Partial<Record<LimitName, Limit>> {
  const out: Partial<Record<LimitName, Limit>> = {};
  for (const part of (text ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)=(?:off|(\d+)\/(\d+))$/.exec(part);
    const name = match?.[1] as LimitName | undefined;
    if (!match || !name || !LIMIT_NAMES.includes(name) || (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[3]) < 1))) {
      throw new Error(`ROUGHY_RATE_LIMITS: "${part}" is not name=points/seconds or name=off (names: ${LIMIT_NAMES.join(", ")}; e.g. token-ip=300/60)`);
    }
    out[name] = match[2] === undefined ? null : { points: Number(match[2]), seconds: Number(match[3]) };
  }
  return out;
}

/** A counter key that does not store the value it stands for (a client id or token is a credential). */
export function opaqueKey(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 32);
}

/**
 * The caller's address: the socket's peer, or with `trustedHops` proxies in front (each appending to
 * X-Forwarded-For, as nginx's $proxy_add_x_forwarded_for does) the address the outermost trusted proxy saw.
 * Entries further left are the caller's own claims and are not believed.
 */
export function clientIp(req: http.IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedHops <= 0) return peer;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(chain.length - 1 - trustedHops, 0)]!;
}

export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(limits: Partial<Record<LimitName, Limit>> = {}, redis: RedisConnection | null = null) {
    for (const name of LIMIT_NAMES) {
      const limit = name in limits ? limits[name]! : DEFAULT_RATE_LIMITS[name];
      if (!limit) continue;
      const base = { points: limit.points, duration: limit.seconds, keyPrefix: `roughy-mcp:rl:${name}` };
      this.limiters.set(
        name,
        redis
          ? new RateLimiterRedis({ ...base, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(base) })
          : new RateLimiterMemory(base),
      );
    }
  }

  /** Counts one request against `name` for `key`: null when allowed, else the seconds until it would be. */
  async take(name: LimitName, key: string): Promise<number | null> {
    const limiter = this.limiters.get(name);
    if (!limiter) return null;
    try {
      await limiter.consume(key, 1);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
