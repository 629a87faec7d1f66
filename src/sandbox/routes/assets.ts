// Assets: create (which opens the TUS upload in the same call [doc]), list, detail, delete; the per-asset SSE
// stream of live updates; and the signed download URLs of asset and render files, fetched without a bearer key.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { App } from "../app.js";
import { ApiError, notFound } from "../errors.js";
import { body, pageReply, pagination, query, type RequestContext, type Router } from "../http.js";
import { assetMediaPath, deleteAsset } from "../lifecycle.js";
import { assetView } from "../serialize.js";
import { verifySignedPath } from "../signing.js";
import type { Tus } from "./uploads.js";

export const UUID = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");

/** Largest upload the sandbox accepts: it keeps everything on the local disk. */
export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;

const CreateAsset = z.object({
  project_id: UUID,
  // "Upload-Length must be at least 64 bytes." is the docs' own error example.
  size_bytes: z.number().int("must be an integer").min(64, "Upload-Length must be at least 64 bytes."),
  filename: z.string().trim().min(1, "must not be empty").max(255).nullish(),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or en-US")
    .nullish(),
});

const ASSET_STATES = ["pending_upload", "processing", "pending_payment", "ready", "failed"] as const;

const ListAssets = z.object({ ...pagination, project_id: UUID.optional(), state: z.enum(ASSET_STATES).optional() });

export function registerAssets(router: Router, app: App, tus: Tus): void {
  router.add("POST", "/v1/assets", async (ctx) => {
    const b = await body(ctx, CreateAsset);
    if (b.size_bytes > MAX_UPLOAD_BYTES) throw new ApiError("payload_too_large", `size_bytes is over the sandbox's limit of ${MAX_UPLOAD_BYTES} bytes.`);
    if (!app.store.getProject(b.project_id)) throw notFound("Project", b.project_id);
    const filename = b.filename ? path.basename(b.filename.replace(/\\/g, "/")) : null;
    const asset = app.store.createAsset({ project_id: b.project_id, filename, size_bytes: b.size_bytes, language: b.language ?? null });
    try {
      await tus.open(asset.id, b.size_bytes, filename);
    } catch (err) {
      app.store.deleteAssetRow(asset.id);
      throw err;
    }
    const view = assetView(app, asset, { detail: true });
    return { status: 201, json: view, headers: { Location: view.upload_url as string } };
  });

  router.add("GET", "/v1/assets", (ctx) => {
    const q = query(ctx, ListAssets);
    if (q.project_id && !app.store.getProject(q.project_id)) throw notFound("Project", q.project_id);
    const page = app.store.listAssets({ project_id: q.project_id, state: q.state }, q.limit, q.offset);
    return pageReply(
      page.items.map((a) => assetView(app, a)),
      page.total,
      q.limit,
      q.offset,
    );
  });

  router.add("GET", "/v1/assets/:asset_id", (ctx) => {
    const a = app.store.getAsset(ctx.params.asset_id as string);
    if (!a) throw notFound("Asset", ctx.params.asset_id as string);
    return { status: 200, json: assetView(app, a, { detail: true }) };
  });

  router.add("DELETE", "/v1/assets/:asset_id", (ctx) => {
    const id = ctx.params.asset_id as string;
    if (!app.store.getAsset(id)) throw notFound("Asset", id);
    deleteAsset(app, id);
    return { status: 204 };
  });

  router.add("GET", "/v1/assets/:asset_id/events", (ctx) => streamEvents(app, ctx));

  router.add("GET", "/downloads/assets/:asset_id", (ctx) => {
    checkSignature(app, ctx);
    const a = app.store.getAsset(ctx.params.asset_id as string);
    if (!a || a.state === "pending_upload") throw notFound("Asset", ctx.params.asset_id as string);
    return sendFile(ctx, assetMediaPath(app, a.id), "application/octet-stream", a.filename ?? `${a.id}`);
  });
}

export function checkSignature(app: App, ctx: RequestContext): void {
  const check = verifySignedPath(ctx.req.url ?? "", app.signingSecret);
  if (check === "expired") throw new ApiError("gone", "This download link has expired: read the resource again for a fresh download_url.");
  if (check !== "ok") throw new ApiError("forbidden", "This download link is not valid: use the download_url exactly as the API returned it.");
}

export function sendFile(ctx: RequestContext, file: string, contentType: string, filename: string) {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new ApiError("not_found", "The file is no longer available.");
  }
  const safeName = filename.replace(/["\\\r\n]/g, "_");
  ctx.res.writeHead(200, {
    "X-Request-Id": ctx.requestId,
    "Content-Type": contentType,
    "Content-Length": String(size),
    "Content-Disposition": `attachment; filename="${safeName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(safeName)}`,
    "Cache-Control": "private, no-store",
  });
  if (ctx.method === "HEAD") {
    ctx.res.end();
    return { handled: true as const };
  }
  const stream = fs.createReadStream(file);
  stream.on("error", () => ctx.res.destroy());
  stream.pipe(ctx.res);
  return { handled: true as const };
}

/**
 * Server-sent events of one asset and its cuts and renders [inferred]. A reconnect with Last-Event-ID replays
 * what it missed from the stored log; a fresh connection first gets the asset's current state (with the id of
 * the latest event) so a client never starts blind. A comment line keeps idle connections alive.
 */
function streamEvents(app: App, ctx: RequestContext) {
  const assetId = ctx.params.asset_id as string;
  const asset = app.store.getAsset(assetId);
  if (!asset) throw notFound("Asset", assetId);
  const { req, res } = ctx;
  const lastRaw = req.headers["last-event-id"] ?? ctx.url.searchParams.get("last_event_id") ?? undefined;
  const lastId = typeof lastRaw === "string" && /^\d+$/.test(lastRaw.trim()) ? Number(lastRaw.trim()) : null;

  res.writeHead(200, {
    "X-Request-Id": ctx.requestId,
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  const write = (id: number, type: string, data: string) => res.write(`id: ${id}\nevent: ${type}\ndata: ${data}\n\n`);
  res.write("retry: 2000\n\n");

  let sentUpTo = lastId ?? 0;
  if (lastId !== null) {
    for (const e of app.store.eventsAfter(assetId, lastId)) {
      write(e.id, e.type, e.data_json);
      sentUpTo = e.id;
    }
  } else {
    const latest = app.store.lastEventId(assetId) ?? 0;
    write(latest, "asset.updated", JSON.stringify(assetView(app, asset)));
    sentUpTo = latest;
  }
  const unsubscribe = app.bus.subscribe(assetId, (e) => {
    if (e.id <= sentUpTo) return;
    sentUpTo = e.id;
    write(e.id, e.type, JSON.stringify(e.data));
  });
  // The keep-alive tick also notices a deleted asset and ends its stream (a client then polls and sees 404).
  const keepAlive = setInterval(() => {
    if (app.closing || !app.store.getAsset(assetId)) res.end();
    else res.write(": keep-alive\n\n");
  }, app.keepAliveMs);
  app.sseStreams.add(res);
  const stop = () => {
    clearInterval(keepAlive);
    unsubscribe();
    app.sseStreams.delete(res);
  };
  res.on("close", stop);
  return { handled: true as const };
}
