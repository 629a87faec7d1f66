// Outbound webhooks for the sandbox: Standard Webhooks signing (what roughy-api.md reads the contract as) and
// a small delivery queue with a timeout, exponential backoff and a per-attempt report, so that the core can
// persist every attempt and an agent's receiver sees the same retries a real service would send.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export const WEBHOOK_EVENT_TYPES = [
  "asset.ready",
  "asset.failed",
  "cut.completed",
  "cut.failed",
  "render.completed",
  "render.failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEvent {
  id: string;
  type: string;
  created_at: string;
  data: unknown;
}

export interface DeliveryAttempt {
  event_id: string;
  endpoint_id: string | null;
  url: string;
  /** 1-based. */
  attempt: number;
  /** HTTP status, or null when no response came (network error, timeout, closed). */
  status: number | null;
  ok: boolean;
  error: string | null;
  duration_ms: number;
  at: Date;
  /** When the next attempt is due, or null when this was the last one. */
  next_retry_at: Date | null;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  last: DeliveryAttempt | null;
  /** True when close() cut the delivery short. */
  closed: boolean;
}

export interface WebhookDeliveryOptions {
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onAttempt?: (attempt: DeliveryAttempt) => void;
  userAgent?: string;
}

const SECRET_PREFIX = "whsec_";

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/**
 * The HMAC key is the base64-decoded part after `whsec_`, not the secret's text: that is what the Standard
 * Webhooks spec and its reference libraries do, so a receiver using one of them verifies our signatures.
 */
function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(b64, "base64");
  if (key.length === 0) throw new Error("webhook secret is empty or not base64");
  return key;
}

function hmac(key: Buffer, id: string, timestamp: number, body: string): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${hmac(secretKey(secret), id, timestamp, body).toString("base64")}`;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A receiver's check: the timestamp lies within `toleranceSeconds` of `now` (replay window) and one of the
 * space-separated `v1,` signatures matches, compared in constant time. `body` is the raw request body.
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderBag,
  body: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  const id = header(headers, "webhook-id");
  const ts = header(headers, "webhook-timestamp");
  const sigs = header(headers, "webhook-signature");
  if (!id || !ts || !sigs || !/^\d{1,12}$/.test(ts)) return false;
  const timestamp = Number(ts);
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  let key: Buffer;
  try {
    key = secretKey(secret);
  } catch {
    return false;
  }
  const expected = hmac(key, id, timestamp, body);
  let ok = false;
  for (const part of sigs.split(" ")) {
    const [version, b64] = part.split(",", 2);
    if (version !== "v1" || !b64) continue;
    const given = Buffer.from(b64, "base64");
    // No early exit, so timing does not tell which entry matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** `{id, type, created_at, data}`, `data` being the resource as the API returns it. */
export function buildWebhookEvent(type: string, data: unknown, opts: { id?: string; createdAt?: Date } = {}): WebhookEvent {
  return { id: opts.id ?? randomUUID(), type, created_at: (opts.createdAt ?? new Date()).toISOString(), data };
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code ? `${code}: ${cause.message}` : cause.message;
    }
    return err.message;
  }
  return String(err);
}

/**
 * Delivers events, each independently: one POST per attempt, retried on network errors, timeouts and any
 * non-2xx (redirects included: a receiver must answer at the registered URL). The `webhook-id` is the event id
 * on every attempt so that receivers can deduplicate; timestamp and signature are fresh per attempt.
 */
export class WebhookDelivery {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onAttempt: ((a: DeliveryAttempt) => void) | undefined;
  private readonly userAgent: string;
  private readonly closer = new AbortController();
  private readonly pending = new Set<Promise<DeliveryResult>>();

  constructor(opts: WebhookDeliveryOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.baseDelayMs = opts.baseDelayMs ?? 1_000;
    this.maxDelayMs = opts.maxDelayMs ?? 60_000;
    this.onAttempt = opts.onAttempt;
    this.userAgent = opts.userAgent ?? "roughy-sandbox-webhooks/1";
  }

  /** Number of deliveries not yet finished. */
  get inFlight(): number {
    return this.pending.size;
  }

  deliver(target: { url: string; secret: string; event: WebhookEvent; endpointId?: string }): Promise<DeliveryResult> {
    if (this.closer.signal.aborted) return Promise.resolve({ ok: false, attempts: 0, last: null, closed: true });
    const p = this.run(target);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  /** Stops: no new deliveries, pending retries end, in-flight requests are aborted; resolves once all settled. */
  async close(): Promise<void> {
    this.closer.abort();
    await Promise.allSettled([...this.pending]);
  }

  private delayFor(attempt: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
  }

  private async run(target: { url: string; secret: string; event: WebhookEvent; endpointId?: string }): Promise<DeliveryResult> {
    const body = JSON.stringify(target.event);
    let last: DeliveryAttempt | null = null;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (this.closer.signal.aborted) return { ok: false, attempts: attempt - 1, last, closed: true };
      const started = Date.now();
      const timestamp = Math.floor(started / 1000);
      let status: number | null = null;
      let error: string | null = null;
      const timeout = AbortSignal.timeout(this.timeoutMs);
      try {
        const res = await fetch(target.url, {
          method: "POST",
          redirect: "manual",
          signal: AbortSignal.any([this.closer.signal, timeout]),
          headers: {
            "content-type": "application/json",
            "user-agent": this.userAgent,
            "webhook-id": target.event.id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signWebhook(target.secret, target.event.id, timestamp, body),
          },
          body,
        });
        status = res.status;
        // The receiver's answer is not used; drain it so the connection can be reused.
        await res.arrayBuffer().catch(() => undefined);
        if (status < 200 || status > 299) error = `HTTP ${status}`;
      } catch (err) {
        if (this.closer.signal.aborted) error = "delivery stopped (closed)";
        else if (timeout.aborted) error = `timed out after ${this.timeoutMs} ms`;
        else error = describeError(err);
      }
      const ok = error === null;
      const closed = this.closer.signal.aborted;
      const retry = !ok && !closed && attempt < this.maxAttempts;
      const delay = retry ? this.delayFor(attempt) : 0;
      last = {
        event_id: target.event.id,
        endpoint_id: target.endpointId ?? null,
        url: target.url,
        attempt,
        status,
        ok,
        error,
        duration_ms: Date.now() - started,
        at: new Date(started),
        next_retry_at: retry ? new Date(Date.now() + delay) : null,
      };
      try {
        this.onAttempt?.(last);
      } catch {
        // A failing reporter must not stop delivery.
      }
      if (ok) return { ok: true, attempts: attempt, last, closed: false };
      if (!retry) return { ok: false, attempts: attempt, last, closed };
      await this.sleep(delay);
    }
    return { ok: false, attempts: this.maxAttempts, last, closed: this.closer.signal.aborted };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.closer.signal;
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
