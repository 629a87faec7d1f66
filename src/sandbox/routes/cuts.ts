// Cuts [doc]: create (idempotent on asset + script), list with filters, get, delete (cascading to renders);
// and their exports: edit-decision files and the subtitle, each with the [inferred] error codes of the contract.
import { z } from "zod";
import type { App } from "../app.js";
import { ApiError, notFound } from "../errors.js";
import { body, pageReply, pagination, query, type RequestContext, type Router } from "../http.js";
import { deleteCut, startCut } from "../lifecycle.js";
import { type DroppedWord, EXPORT_FORMATS, FRAME_BASED_FORMATS, exportSourceOf, isExportFormat, rateProblem, renderExport } from "../media/exports/index.js";
import { cutGrid } from "../media/cut-grid.js";
import type { FrameRate } from "../media/timecode.js";
import type { MediaInfo, Segment } from "../media/types.js";
import { cutView } from "../serialize.js";
import type { AssetRow, CutRow } from "../store/db.js";
import { renderSubtitleFile } from "../workers.js";
import { UUID } from "./assets.js";

/** Seconds a client should wait before retrying while an asset or a subtitle is still being prepared. */
export const RETRY_AFTER_SECONDS = 2;

const CreateCut = z.object({
  asset_id: UUID,
  script: z.string().max(100_000, "must be at most 100000 characters").nullish(),
});

const CUT_STATES = ["pending", "processing", "completed", "failed"] as const;
const ListCuts = z.object({ ...pagination, asset_id: UUID.optional(), project_id: UUID.optional(), state: z.enum(CUT_STATES).optional() });

const ExportQuery = z.object({
  format: z.string({ error: "is required" }).min(1, "is required"),
  frame_rate: z
    .string()
    .regex(/^\d+(\.\d+)?$/, "must be a number such as 25, 29.97 or 30")
    .transform(Number)
    .pipe(z.number().min(1, "must be at least 1").max(240, "must be at most 240"))
    .optional(),
});

/** The 409 a cut or render request gets while its asset cannot be used yet [doc codes]. */
export function assetNotCuttable(a: AssetRow): ApiError | null {
  switch (a.state) {
    case "ready":
      return null;
    case "pending_upload":
      return new ApiError("asset_processing", "The asset's upload has not finished: send the remaining bytes, then retry.", { retryAfter: RETRY_AFTER_SECONDS });
    case "processing":
      return new ApiError("asset_processing", "The asset is still being prepared: retry after the Retry-After seconds.", { retryAfter: RETRY_AFTER_SECONDS });
    case "pending_payment":
      return new ApiError("asset_payment_required", "The asset is prepared but unpaid: top up your credit balance, then retry.");
    case "failed":
      return new ApiError("asset_failed", `The asset failed to prepare${a.error_message ? `: ${a.error_message}` : "."} Upload the file again.`);
  }
}

function baseName(a: AssetRow): string {
  const name = a.filename ?? `asset-${a.id.slice(0, 8)}`;
  return name.replace(/\.[^.]+$/, "") || name;
}

function attachment(name: string): string {
  const safe = name.replace(/[^\w.\- ]/g, "_");
  return `attachment; filename="${safe}"`;
}

function completedCut(app: App, ctx: RequestContext): { cut: CutRow; asset: AssetRow } {
  const id = ctx.params.cut_id as string;
  const cut = app.store.getCut(id);
  if (!cut) throw notFound("Cut", id);
  const asset = app.store.getAsset(cut.asset_id);
  if (!asset) throw notFound("Cut", id);
  return { cut, asset };
}

function requireCompleted(cut: CutRow): void {
  if (cut.state !== "completed") {
    throw new ApiError("cut_not_proposed", `The cut is ${cut.state}, not completed: poll GET /v1/cuts/${cut.id} until it completes.`, {
      retryAfter: cut.state === "failed" ? undefined : RETRY_AFTER_SECONDS,
    });
  }
}

export function registerCuts(router: Router, app: App): void {
  router.add("POST", "/v1/cuts", async (ctx) => {
    const b = await body(ctx, CreateCut);
    const asset = app.store.getAsset(b.asset_id);
    if (!asset) throw notFound("Asset", b.asset_id);
    const blocked = assetNotCuttable(asset);
    if (blocked) throw blocked;
    const script = b.script ?? null;
    // Find and create run without an await between them, so two identical requests cannot both create.
    const existing = app.store.findReusableCut(asset.id, script);
    if (existing) return { status: 200, json: cutView(existing) };
    const cut = app.store.createCut(asset.id, script);
    app.bus.publish(asset.id, "cut.updated", cutView(cut));
    startCut(app, cut.id);
    return { status: 201, json: cutView(cut), headers: { Location: `${app.baseUrl}/v1/cuts/${cut.id}` } };
  });

  router.add("GET", "/v1/cuts", (ctx) => {
    const q = query(ctx, ListCuts);
    if (q.asset_id && !app.store.getAsset(q.asset_id)) throw notFound("Asset", q.asset_id);
    if (q.project_id && !app.store.getProject(q.project_id)) throw notFound("Project", q.project_id);
    const page = app.store.listCuts({ asset_id: q.asset_id, project_id: q.project_id, state: q.state }, q.limit, q.offset);
    return pageReply(page.items.map(cutView), page.total, q.limit, q.offset);
  });

  router.add("GET", "/v1/cuts/:cut_id", (ctx) => {
    const c = app.store.getCut(ctx.params.cut_id as string);
    if (!c) throw notFound("Cut", ctx.params.cut_id as string);
    return { status: 200, json: cutView(c) };
  });

  router.add("DELETE", "/v1/cuts/:cut_id", (ctx) => {
    const id = ctx.params.cut_id as string;
    if (!app.store.getCut(id)) throw notFound("Cut", id);
    deleteCut(app, id);
    return { status: 204 };
  });

  router.add("GET", "/v1/cuts/:cut_id/export", (ctx) => {
    const q = query(ctx, ExportQuery);
    const { cut, asset } = completedCut(app, ctx);
    if (!isExportFormat(q.format)) {
      throw new ApiError("unsupported_format", `Unsupported export format "${q.format}": use one of ${EXPORT_FORMATS.join(", ")}.`);
    }
    requireCompleted(cut);
    const info = JSON.parse(asset.info_json ?? "null") as MediaInfo | null;
    if (!info) throw new ApiError("internal_error", "The cut's asset has no media information.");
    const frameBased = (FRAME_BASED_FORMATS as readonly string[]).includes(q.format);
    // The cut's own grid, which its render and subtitles use too (cut-grid.ts). Audio-only media has no frames:
    // a frame-based format takes the caller's frame_rate, and 25, the grid, keeps the joins exactly where the
    // render and subtitles have them; OTIO without one is written on the grid.
    let frameRate: FrameRate | number;
    if (info.has_video) frameRate = cutGrid(info);
    else if (q.frame_rate !== undefined) frameRate = q.frame_rate;
    else if (frameBased) {
      throw new ApiError("frame_rate_required", `The asset has no video frame rate, and ${q.format} counts frames: add &frame_rate= (for example 25, 29.97 or 30; 25 matches its renders and subtitles exactly).`);
    } else frameRate = cutGrid(info);
    const base = baseName(asset);
    const rateRefused = rateProblem(q.format, frameRate);
    if (rateRefused) throw new ApiError("unsupported_format", rateRefused);
    const file = renderExport(q.format, {
      segments: JSON.parse(cut.segments_json ?? "[]") as Segment[],
      dropped: cut.dropped_json ? (JSON.parse(cut.dropped_json) as DroppedWord[]) : null,
      source: exportSourceOf(info, asset.filename ?? `${base}.${info.media_type === "video" ? "mp4" : "m4a"}`),
      frameRate,
      title: `${base} rough cut`,
    });
    return {
      status: 200,
      text: file.body,
      contentType: file.contentType,
      headers: { "Content-Disposition": attachment(`${base}-cut-${cut.id.slice(0, 8)}.${file.extension}`) },
    };
  });

  router.add("GET", "/v1/cuts/:cut_id/subtitle/export", (ctx) => {
    const q = query(ctx, ExportQuery.pick({ format: true }));
    const { cut, asset } = completedCut(app, ctx);
    if (q.format !== "srt" && q.format !== "vtt") {
      throw new ApiError("unsupported_format", `Unsupported subtitle format "${q.format}": use srt or vtt.`);
    }
    requireCompleted(cut);
    if (cut.captions_json === null) {
      throw new ApiError("modifier_not_ready", "The cut's subtitle is still being generated: retry after the Retry-After seconds.", { retryAfter: 1 });
    }
    const text = renderSubtitleFile(q.format, cut.captions_json);
    return {
      status: 200,
      text,
      contentType: q.format === "srt" ? "application/x-subrip" : "text/vtt",
      headers: { "Content-Disposition": attachment(`${baseName(asset)}-cut-${cut.id.slice(0, 8)}.${q.format}`) },
    };
  });
}
