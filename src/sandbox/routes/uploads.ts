// The TUS 1.0.0 transfer URLs (/v1/uploads/{asset_id}), served by @tus/server over a file store in the data dir.
// The asset create call opens the upload (POST /v1/assets), so TUS creation is not exposed here; HEAD and PATCH
// go to @tus/server, whose plain-text errors are rewritten into the API's error envelope [inferred: "its error
// bodies are still the error envelope"]. DELETE removes the asset, whatever its state [doc].
import fs from "node:fs";
import { FileStore } from "@tus/file-store";
import { Server as TusServer, Upload } from "@tus/server";
import type { App } from "../app.js";
import { ApiError, codeForStatus } from "../errors.js";
import { envelope, type Reply, type RequestContext, type Router } from "../http.js";
import { deleteAsset, uploadFinished } from "../lifecycle.js";

export const TUS_VERSION = "1.0.0";
const TUS_HEADERS = { "Tus-Resumable": TUS_VERSION };

export interface Tus {
  server: TusServer;
  store: FileStore;
  /** Opens the upload of a new asset: an empty file of the declared length. */
  open(assetId: string, size: number, filename: string | null): Promise<void>;
}

export function createTus(app: App): Tus {
  fs.mkdirSync(app.uploadsDir, { recursive: true });
  const store = new FileStore({ directory: app.uploadsDir });
  const server = new TusServer({
    path: "/v1/uploads",
    datastore: store,
    onUploadFinish: async (_req, upload) => {
      uploadFinished(app, upload.id);
      return {};
    },
  });
  return {
    server,
    store,
    async open(assetId, size, filename) {
      const metadata: Record<string, string | null> = {};
      if (filename) metadata.filename = filename;
      await store.create(new Upload({ id: assetId, size, offset: 0, metadata, creation_date: new Date().toISOString() }));
    },
  };
}

/** Request fields the pipeline passes on when a fault shapes an upload PATCH. */
export interface UploadFault {
  /** Only this many body bytes are stored: what arrived before a simulated drop or stall. */
  afterBytes?: number;
  /** Drop the connection after afterBytes. */
  drop?: boolean;
  /** Keep the connection open without an answer (instead of dropping it) until the client goes away. */
  stall?: boolean;
  /** Read the body no faster than this (a slow link). */
  bytesPerSecond?: number;
}

const faultOf = new WeakMap<RequestContext, UploadFault>();

export function setUploadFault(ctx: RequestContext, fault: UploadFault): void {
  faultOf.set(ctx, fault);
}

/**
 * Bytes handed on per chunk. A socket delivers a PATCH body in 64 KiB pieces, and @tus/server passes each one
 * through a web stream, back into a node stream and three more stages to a file write: gathered into 1 MiB
 * chunks, the receiving side spends about a third less CPU per byte (bench/upload.ts) than with the pieces as
 * they come, for one chunk of memory per upload in flight.
 */
const BODY_CHUNK_BYTES = 1024 * 1024;

/**
 * The request body as a web stream of about BODY_CHUNK_BYTES per chunk, read only as fast as it is consumed.
 * With a limit, the body is cut short after that many bytes: what the server had received when a simulated
 * connection drop struck.
 */
function requestBody(req: AsyncIterable<Buffer>, limit = Number.POSITIVE_INFINITY, bytesPerSecond?: number): ReadableStream<Uint8Array> {
  const it = req[Symbol.asyncIterator]();
  const began = Date.now();
  let sent = 0;
  let parts: Buffer[] = [];
  let pending = 0;
  const flush = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (pending > 0) controller.enqueue(parts.length === 1 ? parts[0]! : Buffer.concat(parts, pending));
    parts = [];
    pending = 0;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (sent < limit) {
        const { value, done } = await it.next();
        if (done) break;
        const chunk = (value as Buffer).subarray(0, limit - sent);
        parts.push(chunk);
        pending += chunk.length;
        sent += chunk.length;
        if (bytesPerSecond) {
          // A slow link: each piece is stored as it comes, and the next read waits until the rate allows it.
          flush(controller);
          const due = began + (sent / bytesPerSecond) * 1000 - Date.now();
          if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
          return;
        }
        if (pending >= BODY_CHUNK_BYTES) return flush(controller);
      }
      flush(controller);
      controller.close();
    },
  });
}

function tusMessage(status: number, text: string, offset: number | null): string {
  if (status === 409 && offset !== null) {
    return `Upload-Offset does not match: the upload is at byte ${offset}. HEAD the transfer URL and resume from there.`;
  }
  if (status === 412) return "Send Tus-Resumable: 1.0.0 with every request to the transfer URL.";
  if (status === 413) return "More bytes were sent than the upload's declared size_bytes.";
  const t = text.trim();
  return t ? (t.endsWith(".") ? t : `${t}.`) : `Upload request failed with status ${status}.`;
}

async function forward(app: App, tus: Tus, ctx: RequestContext): Promise<Reply> {
  const { req, res } = ctx;
  const assetId = ctx.params.asset_id as string;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === "host" || k === "connection" || k === "transfer-encoding") continue;
    headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  const fault = faultOf.get(ctx);
  const init: RequestInit & { duplex?: "half" } = { method: ctx.method, headers };
  if (ctx.method === "PATCH") {
    init.body = requestBody(req, fault?.afterBytes, fault?.bytesPerSecond);
    init.duplex = "half";
  }
  // The path alone: a signed transfer URL's query is the pipeline's credential, not part of the upload's id.
  const response = await tus.server.handleWeb(new Request(new URL(ctx.url.pathname, app.baseUrl), init));
  if (fault?.stall) {
    // The bytes so far are stored; the client waits for an answer that never comes, until it gives up or dies.
    if (!req.socket.destroyed) await new Promise((resolve) => req.socket.once("close", resolve));
    return { handled: true };
  }
  if (fault?.drop) {
    // The simulated drop: the bytes so far are stored, and the client never hears back.
    req.socket.destroy();
    return { handled: true };
  }
  const out: Record<string, string> = { "X-Request-Id": ctx.requestId };
  response.headers.forEach((value, key) => {
    // Hop-by-hop and body headers are node's to set for the response it actually writes.
    if (!["content-length", "content-type", "connection", "keep-alive", "date", "transfer-encoding"].includes(key)) out[key] = value;
  });
  if (response.status >= 400) {
    const text = await response.text();
    let offset: number | null = null;
    if (response.status === 409) offset = await tus.store.getUpload(assetId).then((u) => u.offset ?? null, () => null);
    const err = new ApiError(codeForStatus(response.status), tusMessage(response.status, text, offset), { status: response.status });
    return { status: response.status, json: envelope(err), headers: out };
  }
  res.writeHead(response.status, out);
  res.end();
  return { handled: true };
}

export function registerUploads(router: Router, app: App, tus: Tus): void {
  const requireAsset = (ctx: RequestContext) => {
    const id = ctx.params.asset_id as string;
    const asset = app.store.getAsset(id);
    if (!asset) throw new ApiError("not_found", `Upload ${id} not found: its asset does not exist (or was deleted).`, { headers: TUS_HEADERS });
    return asset;
  };

  const options = (): Reply => ({
    status: 204,
    headers: {
      "Tus-Resumable": TUS_VERSION,
      "Tus-Version": TUS_VERSION,
      "Tus-Extension": "termination",
      "Access-Control-Allow-Methods": "HEAD, PATCH, DELETE, OPTIONS",
    },
  });
  router.add("OPTIONS", "/v1/uploads", options);
  router.add("OPTIONS", "/v1/uploads/:asset_id", options);

  router.add("HEAD", "/v1/uploads/:asset_id", (ctx) => {
    requireAsset(ctx);
    return forward(app, tus, ctx);
  });

  router.add("PATCH", "/v1/uploads/:asset_id", (ctx) => {
    requireAsset(ctx);
    return forward(app, tus, ctx);
  });

  router.add("DELETE", "/v1/uploads/:asset_id", (ctx) => {
    const asset = requireAsset(ctx);
    deleteAsset(app, asset.id);
    return { status: 204, headers: TUS_HEADERS };
  });

  router.add("POST", "/v1/uploads", () => {
    throw new ApiError("bad_request", "Uploads are opened by POST /v1/assets; send the bytes to its upload_url.", { status: 405 });
  });
}
