import type http from "node:http";
import { describe, expect, it } from "vitest";
import { RateLimits, clientIp, opaqueKey, parseRateLimits } from "./rate-limits.js";

function request(peer: string, forwarded?: string): http.IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded } } as unknown as http.IncomingMessage;
}

describe("clientIp", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientIp(request("203.0.113.9", "198.51.100.1"), 0)).toBe("203.0.113.9");
  });

  it("with one trusted proxy, is the address that proxy appended, not what the caller wrote before it", () => {
    // The caller sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    expect(clientIp(request("10.0.0.2", "1.2.3.4, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientIp(request("10.0.0.3", "198.51.100.7, 10.0.0.2"), 2)).toBe("198.51.100.7");
  });

  it("falls back to the leftmost entry when fewer hops arrived than are trusted", () => {
    expect(clientIp(request("10.0.0.2"), 1)).toBe("10.0.0.2");
    expect(clientIp(request("10.0.0.2", "198.51.100.7"), 3)).toBe("198.51.100.7");
  });
});

describe("parseRateLimits", () => {
  it("reads points per seconds and off", () => {
    expect(parseRateLimits("token-ip=300/60, mcp-token=off")).toEqual({ "token-ip": { points: 300, seconds: 60 }, "mcp-token": null });
    expect(parseRateLimits(undefined)).toEqual({});
  });

  it.each(["token=5/60", "token-ip=5", "token-ip=0/60", "token-ip=5/0", "register-ip=-1/60"])("refuses %s, naming the accepted forms", (text) => {
    expect(() => parseRateLimits(text)).toThrow(/name=points\/seconds or name=off \(names: register-ip, /);
  });
});

describe("RateLimits in memory", () => {
  it("allows the stated number per window, then answers the seconds to wait; keys and off limits are apart", async () => {
    const limits = new RateLimits({ "token-ip": { points: 2, seconds: 30 }, "register-ip": null });
    expect(await limits.take("token-ip", "a")).toBeNull();
    expect(await limits.take("token-ip", "a")).toBeNull();
    const wait = await limits.take("token-ip", "a");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
    expect(await limits.take("token-ip", "b")).toBeNull();
    for (let i = 0; i < 50; i++) expect(await limits.take("register-ip", "a")).toBeNull();
  });

  it("keys a credential by a digest that does not contain it", () => {
    const token = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..secret-part";
    expect(opaqueKey(token)).not.toContain("secret");
    expect(opaqueKey(token)).toHaveLength(32);
    expect(opaqueKey(token)).toBe(opaqueKey(token));
  });
});
