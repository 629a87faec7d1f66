import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ConflictError,
  errorFromResponse,
  NotFoundError,
  RateLimitedError,
  ServerError,
  ValidationError,
} from "./errors.js";

const make = (status: number, body: unknown, headers: Record<string, string> = {}, secrets?: string[]) =>
  errorFromResponse({
    status,
    header: (n) => headers[n.toLowerCase()],
    bodyText: typeof body === "string" ? body : JSON.stringify(body),
    retryAfter: null,
    secrets,
  });

describe("errorFromResponse", () => {
  it("reads the envelope, fields and request id", () => {
    const e = make(
      422,
      { error: { code: "validation_error", message: "bad", fields: [{ field: "path.id", message: "not a uuid" }] } },
      { "x-request-id": "req_1" },
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.code).toBe("validation_error");
    expect(e.fields).toEqual([{ field: "path.id", message: "not a uuid" }]);
    expect(e.requestId).toBe("req_1");
  });
  it("picks the class by status and by state code", () => {
    expect(make(401, { error: { code: "unauthenticated", message: "m" } })).toBeInstanceOf(AuthenticationError);
    expect(make(404, { error: { code: "not_found", message: "m" } })).toBeInstanceOf(NotFoundError);
    expect(make(409, { error: { code: "asset_processing", message: "m" } })).toBeInstanceOf(ConflictError);
    expect(make(429, { error: { code: "rate_limited", message: "m" } })).toBeInstanceOf(RateLimitedError);
    expect(make(503, { error: { code: "upstream_unavailable", message: "m" } })).toBeInstanceOf(ServerError);
  });
  it("tolerates a body that is not the envelope", () => {
    const e = make(502, "<html>Bad gateway</html>");
    expect(e).toBeInstanceOf(ServerError);
    expect(e.code).toBe("upstream_error");
    expect(e.message).toMatch(/upstream/i);
    expect(make(418, "").code).toBe("bad_request");
    expect(make(409, { error: { code: "brand_new_code", message: "m" } }).code).toBe("conflict");
  });
  it("never lets the API key into a message", () => {
    const key = "sk_live_supersecret";
    const e = make(401, { error: { code: "unauthenticated", message: `key ${key} revoked` } }, {}, [key]);
    expect(e.message).not.toContain(key);
    expect(JSON.stringify(e)).not.toContain(key);
  });
});
