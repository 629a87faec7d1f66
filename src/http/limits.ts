// What one HTTP caller may hold of this server, in one place: open connections, header size and time, the
// time to send a whole request, how long a body may pause, and its size. Node's defaults are generous
// (no connection cap, 300 s to send a request, no pause limit): a few slow clients could otherwise keep
// sockets and memory forever. The response side is not limited here: a tool call may take its bounded
// time (up to 50 s of waiting) while progress streams back.

import type http from "node:http";

export const HTTP_LIMITS = {
  /** Open connections at once; more are refused by the kernel backlog until one closes. */
  maxConnections: 256,
  /** Request line plus headers, in bytes (Node's default, stated). */
  maxHeaderBytes: 16 * 1024,
  /** Until the headers are complete. */
  headersTimeoutMs: 10_000,
  /** Until the whole request (headers and body) has arrived. */
  requestTimeoutMs: 30_000,
  /** Longest pause between two pieces of a body. */
  bodyIdleMs: 10_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** JSON-RPC body size. */
  maxBodyBytes: 1024 * 1024,
} as const;

/** Options for http.createServer that only take effect there. */
export const SERVER_OPTIONS: http.ServerOptions = { maxHeaderSize: HTTP_LIMITS.maxHeaderBytes };

/** Applies the limits that are properties of a created server. */
export function applyServerLimits(server: http.Server): void {
  server.maxConnections = HTTP_LIMITS.maxConnections;
  server.headersTimeout = HTTP_LIMITS.headersTimeoutMs;
  server.requestTimeout = HTTP_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
}

export class BodyTooLarge extends Error {}
export class BodyStalled extends Error {}

/**
 * Reads a body up to `limit` bytes: more rejects with BodyTooLarge without buffering the rest, a pause longer
 * than `idleMs` with BodyStalled. Either way reading stops and the socket stays open, so that the caller can
 * still answer (413, 408) before closing it.
 */
export function readBody(req: http.IncomingMessage, limit: number = HTTP_LIMITS.maxBodyBytes, idleMs: number = HTTP_LIMITS.bodyIdleMs): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (error: Error | null) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", done);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => done(new BodyStalled()), idleMs);
    };
    const onData = (chunk: Buffer) => {
      arm();
      size += chunk.length;
      if (size > limit) done(new BodyTooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    req.on("data", onData).on("end", onEnd).on("error", done);
    arm();
  });
}
