// One error hierarchy for everything the client can fail with, and one factory that makes it from a
// response. Callers branch on the class (or on `code`, never on `message`), so every failure, whether the
// API answered with its envelope, with an HTML page from a proxy, or not at all, ends up here.

/** The API's closed ErrorCode enum (roughy-api.md, Conventions). */
export const ERROR_CODES = [
  "bad_request",
  "unauthenticated",
  "forbidden",
  "not_found",
  "conflict",
  "gone",
  "precondition_failed",
  "payload_too_large",
  "unsupported_media_type",
  "validation_error",
  "account_locked",
  "rate_limited",
  "insufficient_credits",
  "internal_error",
  "upstream_error",
  "upstream_unavailable",
  "asset_processing",
  "asset_payment_required",
  "asset_failed",
  "asset_not_ready",
  "modifier_not_ready",
  "unsupported_format",
  "frame_rate_required",
  "cut_not_proposed",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes the client makes itself, for failures that never got an API answer (or got a bad one). */
export type ClientErrorCode = "connection_error" | "timeout" | "invalid_response";

export type AnyErrorCode = ErrorCode | ClientErrorCode;

export interface FieldError {
  field: string;
  message: string;
}

export interface RoughyErrorInit {
  status: number | null;
  code: AnyErrorCode;
  message: string;
  fields?: FieldError[];
  requestId?: string | null;
  retryAfter?: number | null;
  cause?: unknown;
}

export class RoughyError extends Error {
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  readonly code: AnyErrorCode;
  /** Per-field problems; only with `validation_error`. Paths are rooted at `body.`, `query.`, `path.`. */
  readonly fields: FieldError[];
  /** The response's `X-Request-Id`: what a user quotes when reporting a problem. */
  readonly requestId: string | null;
  /** Seconds the server asked us to wait (`Retry-After`), or null. */
  readonly retryAfter: number | null;

  constructor(init: RoughyErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? [];
    this.requestId = init.requestId ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }
}

export class NotFoundError extends RoughyError {}
export class ValidationError extends RoughyError {}
/** A state conflict: 409/412, and the asset/cut state codes (`asset_processing`, `cut_not_proposed`, ...). */
export class ConflictError extends RoughyError {}
export class RateLimitedError extends RoughyError {}
export class AuthenticationError extends RoughyError {}
export class ServerError extends RoughyError {}

export class ConnectionError extends RoughyError {
  /**
   * False only when the failure certainly happened before the request left (connection refused, DNS):
   * the retry rule needs to know whether a non-idempotent request may have reached the server.
   */
  readonly maybeProcessed: boolean;
  constructor(init: Omit<RoughyErrorInit, "status" | "code"> & { maybeProcessed: boolean }) {
    super({ ...init, status: null, code: "connection_error" });
    this.maybeProcessed = init.maybeProcessed;
  }
}

export class TimeoutError extends RoughyError {
  constructor(init: Omit<RoughyErrorInit, "status" | "code">) {
    super({ ...init, status: null, code: "timeout" });
  }
}

const STATE_CODES: ReadonlySet<string> = new Set([
  "conflict",
  "precondition_failed",
  "asset_processing",
  "asset_payment_required",
  "asset_failed",
  "asset_not_ready",
  "modifier_not_ready",
  "cut_not_proposed",
  "insufficient_credits",
]);

/** The code a bare status implies, for error bodies that are not the envelope (a proxy's HTML page). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 410:
      return "gone";
    case 412:
      return "precondition_failed";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 422:
      return "validation_error";
    case 429:
      return "rate_limited";
    case 502:
      return "upstream_error";
    case 503:
    case 504:
      return "upstream_unavailable";
    default:
      return status >= 500 ? "internal_error" : "bad_request";
  }
}

const GENERIC_MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: "The API key was missing or not accepted.",
  forbidden: "This API key may not do that.",
  not_found: "Not found.",
  conflict: "The request conflicts with the resource's current state.",
  gone: "The resource is gone.",
  payload_too_large: "The request body is too large.",
  validation_error: "The request was not valid.",
  rate_limited: "Too many requests; slow down and retry.",
  upstream_error: "Roughy's upstream service failed.",
  upstream_unavailable: "Roughy is temporarily unavailable; retry shortly.",
  internal_error: "Roughy had an internal error.",
};

function classFor(status: number, code: string): typeof RoughyError {
  if (STATE_CODES.has(code)) return ConflictError;
  if (status === 401 || status === 403) return AuthenticationError;
  if (status === 404 || status === 410) return NotFoundError;
  if (status === 409 || status === 412) return ConflictError;
  if (status === 429) return RateLimitedError;
  if (status >= 500) return ServerError;
  if (status >= 400) return ValidationError;
  return RoughyError;
}

export interface ErrorResponse {
  status: number;
  /** Header lookup, case-insensitive. */
  header: (name: string) => string | undefined;
  bodyText: string;
  /** Seconds, already parsed from Retry-After (see retry.ts). */
  retryAfter: number | null;
  /** Whatever must never appear in a message (the API key). */
  secrets?: readonly string[];
}

/** Removes every secret from a string that came from outside (a server could echo a header back). */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/** The one factory: any non-2xx response becomes the right RoughyError subclass. */
export function errorFromResponse(res: ErrorResponse): RoughyError {
  const requestId = res.header("x-request-id") ?? null;
  let envelope: { code?: unknown; message?: unknown; fields?: unknown } | undefined;
  try {
    const parsed: unknown = JSON.parse(res.bodyText);
    const inner = (parsed as { error?: unknown } | null)?.error;
    if (inner && typeof inner === "object") envelope = inner as typeof envelope;
  } catch {
    // not JSON: a proxy or load balancer answered; fall back to the status
  }
  // An unknown code from a newer server is folded into the status-derived one: `code` stays a closed set.
  const code: ErrorCode = isErrorCode(envelope?.code) ? envelope.code : codeForStatus(res.status);
  const rawMessage =
    typeof envelope?.message === "string" && envelope.message.trim() !== ""
      ? envelope.message
      : (GENERIC_MESSAGES[code] ?? `Roughy answered HTTP ${res.status}.`);
  const fields: FieldError[] = Array.isArray(envelope?.fields)
    ? envelope.fields.flatMap((f: unknown) => {
        const o = f as { field?: unknown; message?: unknown } | null;
        return o && typeof o.field === "string"
          ? [{ field: o.field, message: redact(typeof o.message === "string" ? o.message : "", res.secrets) }]
          : [];
      })
    : [];
  const Cls = classFor(res.status, code);
  return new Cls({
    status: res.status,
    code,
    message: redact(rawMessage, res.secrets),
    fields,
    requestId,
    retryAfter: res.retryAfter,
  });
}
