// The one place requests are sent: auth header, per-request timeout, abort, error mapping and the retry
// loop all live here, so every endpoint behaves the same way. undici's Agent keeps connections alive.
import { Agent, type Dispatcher } from "undici";
import type { z } from "zod";
import { ConnectionError, errorFromResponse, RoughyError, TimeoutError, redact } from "./errors.js";
import type { Endpoint } from "./endpoints.js";
import { buildQuery, fillPath, type QueryValue } from "./paths.js";
import { decideRetry, isIdempotentMethod, parseRetryAfter } from "./retry.js";

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  userAgent: string;
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Send to this absolute URL instead of baseUrl + endpoint path (a TUS transfer URL, a signed download). */
  url?: string;
  headers?: Record<string, string>;
  maxRetries?: number;
  timeoutMs?: number;
  /** Apply the timeout to the response headers only (streamed downloads set an idle timeout instead). */
  timeoutHeadersOnly?: boolean;
  /** Let a non-2xx answer through to the reader instead of throwing (health probes). */
  acceptAnyStatus?: boolean;
}

export interface RawResponse {
  status: number;
  url: string;
  header: (name: string) => string | undefined;
  body: Dispatcher.ResponseData["body"];
}

// Connection failures that certainly happened before a byte of the request left this machine.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === "object"; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

// Errors raised on this machine while reading a response (a full disk while saving a download): they pass
// through unchanged instead of being mistaken for a network failure.
const localErrors = new WeakSet<object>();
export function markLocal<E>(err: E): E {
  if (err && typeof err === "object") localErrors.add(err);
  return err;
}

/** What an aborted call rejects with: the signal's reason, as fetch does. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** A sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class HttpCore {
  readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(readonly opts: HttpOptions) {
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  }

  get authorization(): string {
    return `Bearer ${this.opts.apiKey}`;
  }

  urlFor(endpoint: Endpoint, o: Pick<CallOptions, "params" | "query">): string {
    return `${this.opts.baseUrl}${fillPath(endpoint.path, o.params)}${buildQuery(o.query)}`;
  }

  /** Sends a request (with retries) and hands the 2xx response to `read`, whose result is returned. */
  async call<R>(endpoint: Endpoint, o: CallOptions, read: (res: RawResponse) => Promise<R>): Promise<R> {
    const url = o.url ?? this.urlFor(endpoint, o);
    const idempotent = endpoint.idempotent ?? isIdempotentMethod(endpoint.method);
    const maxRetries = o.maxRetries ?? this.opts.maxRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(endpoint, url, o, read);
      } catch (err) {
        if (o.signal?.aborted) throw abortReason(o.signal);
        const d = decideRetry({ attempt, maxRetries, idempotent, error: err, maxRetryAfterMs: this.opts.maxRetryAfterMs });
        if (!d.retry) throw err;
        await sleep(d.delayMs, o.signal);
      }
    }
  }

  /** JSON in, zod-parsed JSON out. */
  async json<S extends z.ZodTypeAny>(
    endpoint: Endpoint,
    schema: S,
    o: CallOptions = {},
  ): Promise<{ data: z.output<S>; status: number; url: string; header: RawResponse["header"] }> {
    return this.call(endpoint, o, async (res) => {
      const text = await res.body.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw this.invalid(res, "was not JSON");
      }
      const r = schema.safeParse(parsed);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw this.invalid(res, `did not match the expected shape (${issue ? `${issue.path.join(".")}: ${issue.message}` : "?"})`);
      }
      return { data: r.data as z.output<S>, status: res.status, url: res.url, header: res.header };
    });
  }

  /** A request whose success has no body we need (204). */
  async empty(endpoint: Endpoint, o: CallOptions = {}): Promise<void> {
    await this.call(endpoint, o, async (res) => {
      await res.body.dump();
    });
  }

  private invalid(res: RawResponse, what: string): RoughyError {
    return new RoughyError({
      status: res.status,
      code: "invalid_response",
      message: `Roughy's response to ${new URL(res.url).pathname} ${what}.`,
      requestId: res.header("x-request-id") ?? null,
    });
  }

  private async once<R>(endpoint: Endpoint, url: string, o: CallOptions, read: (res: RawResponse) => Promise<R>): Promise<R> {
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("timeout"));
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(o.signal ? abortReason(o.signal) : undefined);
    if (o.signal?.aborted) {
      clearTimeout(timer);
      throw abortReason(o.signal);
    }
    o.signal?.addEventListener("abort", onCallerAbort, { once: true });

    const u = new URL(url);
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.opts.userAgent,
      ...o.headers,
    };
    if (endpoint.auth !== false && !o.url) headers.authorization = this.authorization;
    if (o.headers?.authorization) headers.authorization = o.headers.authorization;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["content-type"] = "application/json";
    }
    const describe = `${endpoint.method} ${u.pathname}`;
    const secrets = [this.opts.apiKey];

    const fail = (err: unknown, phase: "send" | "read"): unknown => {
      if (o.signal?.aborted) return abortReason(o.signal);
      if (timedOut) {
        return new TimeoutError({ message: `Roughy did not answer ${describe} within ${timeoutMs < 10_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`, cause: err });
      }
      if (err instanceof RoughyError || localErrors.has(err as object)) return err;
      const code = errorCode(err);
      const maybeProcessed = !(phase === "send" && code !== undefined && NOT_SENT_CODES.has(code));
      const detail = err instanceof Error ? redact(err.message, secrets) : "network error";
      return new ConnectionError({
        message: `Could not reach Roughy at ${u.origin} (${describe}): ${detail}${code ? ` [${code}]` : ""}.`,
        maybeProcessed,
        cause: err,
      });
    };

    try {
      let res: Dispatcher.ResponseData;
      try {
        res = await this.dispatcher.request({
          origin: u.origin,
          path: `${u.pathname}${u.search}`,
          method: endpoint.method,
          headers,
          body,
          signal: controller.signal,
        });
      } catch (err) {
        throw fail(err, "send");
      }
      if (o.timeoutHeadersOnly) clearTimeout(timer);
      const header = (name: string): string | undefined => {
        const v = res.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      };
      const raw: RawResponse = { status: res.statusCode, url, header, body: res.body };
      try {
        if ((res.statusCode < 200 || res.statusCode >= 300) && !o.acceptAnyStatus) {
          const bodyText = await res.body.text().catch(() => "");
          throw errorFromResponse({
            status: res.statusCode,
            header,
            bodyText,
            retryAfter: parseRetryAfter(header("retry-after")),
            secrets,
          });
        }
        return await read(raw);
      } catch (err) {
        res.body.destroy();
        throw fail(err, "read");
      }
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  async close(): Promise<void> {
    if (!this.ownsDispatcher) return;
    // A graceful close waits for open streams (a live-event subscription nobody aborted): give it a moment,
    // then cut them, so that closing a client never hangs.
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.dispatcher.close().then(() => true);
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 1000)));
    const closed = await Promise.race([graceful, late]);
    clearTimeout(timer);
    if (!closed) await this.dispatcher.destroy();
  }
}
