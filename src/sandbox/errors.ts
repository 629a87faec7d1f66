// The sandbox's one error type and the status each ErrorCode answers with. Every failure on the wire goes
// through ApiError so that the envelope, the status and Retry-After are decided in one place.

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation_error"
  | "account_locked"
  | "rate_limited"
  | "insufficient_credits"
  | "internal_error"
  | "upstream_error"
  | "upstream_unavailable"
  | "asset_processing"
  | "asset_payment_required"
  | "asset_failed"
  | "asset_not_ready"
  | "modifier_not_ready"
  | "unsupported_format"
  | "frame_rate_required"
  | "cut_not_proposed";

export interface FieldError {
  field: string;
  message: string;
}

// [inferred] status list of roughy-api.md; the asset/cut state codes are 409s, unsupported_format and
// frame_rate_required are 422s as the contract says.
const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_error: 422,
  account_locked: 423,
  rate_limited: 429,
  insufficient_credits: 402,
  internal_error: 500,
  upstream_error: 502,
  upstream_unavailable: 503,
  asset_processing: 409,
  asset_payment_required: 409,
  asset_failed: 409,
  asset_not_ready: 409,
  modifier_not_ready: 409,
  unsupported_format: 422,
  frame_rate_required: 422,
  cut_not_proposed: 409,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly opts: { status?: number; fields?: FieldError[]; retryAfter?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = opts.status ?? STATUS[code];
  }
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** The code a bare HTTP status maps to, for faults and for TUS answers that only carry a status. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "bad_request";
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
    case 423:
      return "account_locked";
    case 429:
      return "rate_limited";
    case 502:
      return "upstream_error";
    case 503:
      return "upstream_unavailable";
    default:
      return status >= 500 ? "internal_error" : "bad_request";
  }
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError("not_found", `${what} ${id} not found.`);
}

export function validation(field: string, message: string): ApiError {
  return new ApiError("validation_error", `Invalid request: ${field}: ${message}`, { fields: [{ field, message }] });
}
