// The retry rule, in one pure function, so that "is it safe to send this again, and when" is decided in
// exactly one place and can be tested without a network.
import { ConnectionError, RoughyError } from "./errors.js";

export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

/**
 * Parses `Retry-After` (RFC 9110: delay-seconds or an HTTP date) into seconds, or null when absent or
 * unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number = Date.now()): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (v === "") return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  // Only accept something that looks like a date, so that "-5" or "soon" is not misread.
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^attempt)). */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export interface RetryContext {
  /** Retries already made for this request (0 on the first failure). */
  attempt: number;
  maxRetries: number;
  /** GET/HEAD/DELETE, or a POST the contract makes idempotent (POST /v1/cuts). */
  idempotent: boolean;
  error: unknown;
  /** A Retry-After longer than this is not waited out: the error goes to the caller, who can decide. */
  maxRetryAfterMs?: number;
  random?: () => number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export function decideRetry(ctx: RetryContext): RetryDecision {
  const { error } = ctx;
  if (ctx.attempt >= ctx.maxRetries) return { retry: false };
  if (!(error instanceof RoughyError)) return { retry: false };
  const maxWait = ctx.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const backoff = () => backoffDelayMs(ctx.attempt, ctx.random);

  if (error instanceof ConnectionError) {
    // A request that may have reached the server is only re-sent when sending it twice is harmless.
    if (error.maybeProcessed && !ctx.idempotent) return { retry: false };
    return { retry: true, delayMs: backoff() };
  }
  // A timeout is not retried: the caller chose the budget, and multiplying it would look like a hang.
  if (error.code === "timeout" || error.status === null) return { retry: false };

  const status = error.status;
  // 429 means the server refused without acting, so even a non-idempotent POST may go again.
  // 503 is a 5xx: only idempotent requests, since we cannot know what a failing server did.
  if (status === 429 || (status === 503 && ctx.idempotent)) {
    if (error.retryAfter !== null) {
      const ms = error.retryAfter * 1000;
      if (ms > maxWait) return { retry: false };
      return { retry: true, delayMs: ms };
    }
    return { retry: true, delayMs: backoff() };
  }
  if (status >= 500 && ctx.idempotent) return { retry: true, delayMs: backoff() };
  return { retry: false };
}

/** Whether a method is idempotent by HTTP semantics (an endpoint may still declare a POST idempotent). */
export function isIdempotentMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "DELETE" || method === "PUT" || method === "OPTIONS";
}
