// The sandbox's one request pipeline: request id, faults, auth, route, validate (inside handlers), handler, one
// error envelope. Every response, TUS and errors included, carries X-Request-Id.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "./app.js";
import { ApiError, codeForStatus } from "./errors.js";
import { type RequestContext, type Router, sendError, sendReply } from "./http.js";
import { setUploadFault } from "./routes/uploads.js";
import { verifySignedPath } from "./signing.js";

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Constant-time comparison of the bearer key (hashing first makes the lengths equal). */
function keyMatches(header: string | undefined, apiKey: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return false;
  return timingSafeEqual(digest(m[1] as string), digest(apiKey));
}

/** Paths reachable without a key: health probes, TUS OPTIONS, and signed downloads (the URL is the credential). */
function isPublic(method: string, pathname: string): boolean {
  if (pathname === "/health" || pathname === "/health/ready") return true;
  if (method === "OPTIONS" && (pathname === "/v1/uploads" || pathname.startsWith("/v1/uploads/"))) return true;
  return pathname.startsWith("/downloads/");
}

/**
 * A HEAD or PATCH on a signed transfer URL (only handed out with signedUploadUrls): the signature is the
 * credential, for that asset's bytes only. Ending the upload (DELETE) removes the asset and still needs the key.
 */
function signedTransfer(app: App, method: string, url: URL, rawUrl: string): boolean {
  if (app.uploadUrlTtlSeconds === null || (method !== "HEAD" && method !== "PATCH") || !/^\/v1\/uploads\/[^/]+$/.test(url.pathname)) return false;
  if (!url.searchParams.has("signature")) return false;
  const check = verifySignedPath(rawUrl, app.signingSecret);
  if (check === "expired") throw new ApiError("gone", "This upload link has expired: read the asset again (GET /v1/assets/{id}) for a fresh upload_url.");
  return check === "ok";
}

export function newRequestId(): string {
  return `req_${randomBytes(12).toString("hex")}`;
}

export function createHandler(app: App, router: Router) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newRequestId();
    // Set before anything else so that even a response written by a library carries it.
    res.setHeader("X-Request-Id", requestId);
    const method = (req.method ?? "GET").toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://sandbox.invalid");
    } catch {
      url = new URL("http://sandbox.invalid/");
    }
    const ctx: RequestContext = { req, res, requestId, method, url, params: {} };
    try {
      // Faults never hit the controls themselves, so a test can always clear them.
      const fault = url.pathname.startsWith("/sandbox/") ? undefined : app.faults.take(method, url.pathname);
      if (fault) {
        if (fault.delay_ms) await new Promise((r) => setTimeout(r, fault.delay_ms));
        const shapesUpload = fault.bytes_per_second !== undefined || ((fault.drop || fault.stall) && fault.after_bytes !== undefined);
        if (shapesUpload && method === "PATCH") {
          setUploadFault(ctx, {
            ...(fault.after_bytes !== undefined ? { afterBytes: fault.after_bytes } : {}),
            ...(fault.bytes_per_second !== undefined ? { bytesPerSecond: fault.bytes_per_second } : {}),
            stall: fault.stall === true,
            drop: fault.drop === true,
          });
        } else if (fault.drop) {
          req.socket.destroy();
          return;
        } else if (fault.status && !fault.after_handler) {
          const code = codeForStatus(fault.status);
          throw new ApiError(code, `Injected fault: ${fault.status} ${code}.`, {
            status: fault.status,
            retryAfter: fault.retry_after,
            fields: code === "validation_error" ? [{ field: "body", message: "injected fault" }] : undefined,
          });
        }
      }
      if (!isPublic(method, url.pathname) && !keyMatches(req.headers.authorization, app.apiKey) && !signedTransfer(app, method, url, req.url ?? "")) {
        throw new ApiError("unauthenticated", "Missing or invalid API key: send Authorization: Bearer <your sk_ key>.", {
          headers: { "WWW-Authenticate": 'Bearer realm="roughy"' },
        });
      }
      const { handler, params } = router.match(method, url.pathname);
      ctx.params = params;
      const reply = await handler(ctx);
      if (fault?.status && fault.after_handler) {
        // The work is done and stored; only the answer is lost, as when a proxy fails on the way back.
        const code = codeForStatus(fault.status);
        throw new ApiError(code, `Injected fault after the handler ran: ${fault.status} ${code}.`, { status: fault.status, retryAfter: fault.retry_after });
      }
      sendReply(ctx, reply);
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status >= 500) app.logger.warn("request failed", { request_id: requestId, code: err.code, path: url.pathname });
        sendError(ctx, err);
        return;
      }
      app.logger.error("unhandled error", { request_id: requestId, path: url.pathname, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      sendError(ctx, new ApiError("internal_error", `Internal error; quote request id ${requestId} when reporting it.`));
    }
  };
}
