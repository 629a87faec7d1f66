import { describe, expect, it } from "vitest";
import { ConnectionError, RoughyError, ServerError, RateLimitedError, TimeoutError, ValidationError } from "./errors.js";
import { backoffDelayMs, decideRetry, parseRetryAfter } from "./retry.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter(" 120 ", now)).toBe(120);
  });
  it("reads an HTTP date relative to now", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
  });
});

const http = (status: number, retryAfter: number | null = null) => {
  const Cls = status === 429 ? RateLimitedError : status >= 500 ? ServerError : ValidationError;
  return new Cls({ status, code: "internal_error", message: "x", retryAfter });
};
const base = { attempt: 0, maxRetries: 4, random: () => 0.5 };

describe("decideRetry", () => {
  it("retries 429 after Retry-After, even for a non-idempotent POST", () => {
    expect(decideRetry({ ...base, idempotent: false, error: http(429, 2) })).toEqual({ retry: true, delayMs: 2000 });
  });
  it("retries 503 after Retry-After only when idempotent", () => {
    expect(decideRetry({ ...base, idempotent: true, error: http(503, 1) })).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry({ ...base, idempotent: false, error: http(503, 1) })).toEqual({ retry: false });
  });
  it("does not wait out a Retry-After beyond the cap", () => {
    expect(decideRetry({ ...base, idempotent: true, error: http(429, 3600) })).toEqual({ retry: false });
    expect(decideRetry({ ...base, idempotent: true, error: http(429, 3600), maxRetryAfterMs: 4_000_000 })).toEqual({
      retry: true,
      delayMs: 3_600_000,
    });
  });
  it("retries other 5xx only on idempotent requests", () => {
    expect(decideRetry({ ...base, idempotent: true, error: http(500) }).retry).toBe(true);
    expect(decideRetry({ ...base, idempotent: false, error: http(500) }).retry).toBe(false);
    expect(decideRetry({ ...base, idempotent: false, error: http(502) }).retry).toBe(false);
  });
  it("never retries a 4xx other than 429", () => {
    for (const s of [400, 401, 404, 409, 422]) expect(decideRetry({ ...base, idempotent: true, error: http(s) }).retry).toBe(false);
  });
  it("retries connection errors, but a non-idempotent request only if it never left", () => {
    const refused = new ConnectionError({ message: "refused", maybeProcessed: false });
    const reset = new ConnectionError({ message: "reset", maybeProcessed: true });
    expect(decideRetry({ ...base, idempotent: false, error: refused }).retry).toBe(true);
    expect(decideRetry({ ...base, idempotent: false, error: reset }).retry).toBe(false);
    expect(decideRetry({ ...base, idempotent: true, error: reset }).retry).toBe(true);
  });
  it("stops at maxRetries, and never retries timeouts or foreign errors", () => {
    expect(decideRetry({ ...base, attempt: 4, idempotent: true, error: http(503, 1) }).retry).toBe(false);
    expect(decideRetry({ ...base, idempotent: true, error: new TimeoutError({ message: "t" }) }).retry).toBe(false);
    expect(decideRetry({ ...base, idempotent: true, error: new Error("boom") }).retry).toBe(false);
    expect(decideRetry({ ...base, idempotent: true, error: new RoughyError({ status: null, code: "invalid_response", message: "" }) }).retry).toBe(false);
  });
});

describe("backoffDelayMs", () => {
  it("is full jitter under an exponential ceiling capped at 8 s", () => {
    expect(backoffDelayMs(0, () => 0.999)).toBeLessThan(500);
    expect(backoffDelayMs(3, () => 0.999)).toBeLessThan(4000);
    expect(backoffDelayMs(3, () => 0.999)).toBeGreaterThan(3900);
    expect(backoffDelayMs(20, () => 0.999)).toBeLessThan(8000);
    expect(backoffDelayMs(5, () => 0)).toBe(0);
  });
});
