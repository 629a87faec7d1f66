// Renders [doc]: create (never deduplicated), list with filters, get, cancel; and the signed download of the
// finished file. The work itself is workers.ts's runRender.
import { z } from "zod";
import type { App } from "../app.js";
import { ApiError, notFound } from "../errors.js";
import { body, pageReply, pagination, query, type Router } from "../http.js";
import { publishRender, startRender } from "../lifecycle.js";
import { RENDER_OUTPUTS, renderOutputProblem } from "../media/render.js";
import type { MediaInfo } from "../media/types.js";
import { renderView } from "../serialize.js";
import { checkSignature, sendFile, UUID } from "./assets.js";
import { nowIso } from "../store/db.js";

const CreateRender = z.object({
  asset_id: UUID,
  cut_id: UUID.nullish(),
  output: z.enum(RENDER_OUTPUTS as readonly ["mp4", "mov", "m4a", "mp3"], { error: `must be one of ${RENDER_OUTPUTS.join(", ")}` }),
});

const RENDER_STATES = ["pending", "processing", "completed", "failed", "canceled"] as const;
const ListRenders = z.object({ ...pagination, asset_id: UUID.optional(), cut_id: UUID.optional(), state: z.enum(RENDER_STATES).optional() });

const CONTENT_TYPES: Record<string, string> = { mp4: "video/mp4", mov: "video/quicktime", m4a: "audio/mp4", mp3: "audio/mpeg" };

export function registerRenders(router: Router, app: App): void {
  router.add("POST", "/v1/renders", async (ctx) => {
    const b = await body(ctx, CreateRender);
    const asset = app.store.getAsset(b.asset_id);
    if (!asset) throw notFound("Asset", b.asset_id);
    let cutId: string | null = null;
    if (b.cut_id) {
      const cut = app.store.getCut(b.cut_id);
      if (!cut || cut.asset_id !== asset.id) throw notFound("Cut", b.cut_id);
      cutId = cut.id;
      if (asset.state === "ready" && cut.state !== "completed") {
        throw new ApiError("cut_not_proposed", `The cut is ${cut.state}, not completed: poll GET /v1/cuts/${cut.id} until it completes.`);
      }
    }
    if (asset.state !== "ready" || !asset.info_json) {
      throw new ApiError("asset_not_ready", `The asset is ${asset.state}, not ready: it must be prepared and paid for before it can be rendered.`, {
        retryAfter: asset.state === "processing" || asset.state === "pending_upload" ? 2 : undefined,
      });
    }
    const problem = renderOutputProblem(JSON.parse(asset.info_json) as MediaInfo, b.output);
    if (problem) throw new ApiError("validation_error", problem, { fields: [{ field: "body.output", message: problem }] });
    const r = app.store.createRender(asset.id, cutId, b.output);
    publishRender(app, r.id);
    startRender(app, r.id);
    return { status: 201, json: renderView(app, r), headers: { Location: `${app.baseUrl}/v1/renders/${r.id}` } };
  });

  router.add("GET", "/v1/renders", (ctx) => {
    const q = query(ctx, ListRenders);
    if (q.asset_id && !app.store.getAsset(q.asset_id)) throw notFound("Asset", q.asset_id);
    if (q.cut_id && !app.store.getCut(q.cut_id)) throw notFound("Cut", q.cut_id);
    const page = app.store.listRenders({ asset_id: q.asset_id, cut_id: q.cut_id, state: q.state }, q.limit, q.offset);
    return pageReply(
      page.items.map((r) => renderView(app, r)),
      page.total,
      q.limit,
      q.offset,
    );
  });

  router.add("GET", "/v1/renders/:render_id", (ctx) => {
    const r = app.store.getRender(ctx.params.render_id as string);
    if (!r) throw notFound("Render", ctx.params.render_id as string);
    return { status: 200, json: renderView(app, r) };
  });

  router.add("POST", "/v1/renders/:render_id/cancel", (ctx) => {
    const id = ctx.params.render_id as string;
    const r = app.store.getRender(id);
    if (!r) throw notFound("Render", id);
    if (r.state !== "pending" && r.state !== "processing") {
      throw new ApiError("conflict", `The render is already ${r.state}; only a pending or processing render can be canceled.`);
    }
    // State first, then the abort: the worker sees the render is no longer processing and leaves it alone.
    const updated = app.store.updateRender(id, { state: "canceled", completed_at: nowIso() });
    app.jobs.cancel(`render:${id}`);
    publishRender(app, id);
    return { status: 200, json: renderView(app, updated ?? r) };
  });

  router.add("GET", "/downloads/renders/:render_id", (ctx) => {
    checkSignature(app, ctx);
    const r = app.store.getRender(ctx.params.render_id as string);
    if (!r || r.state !== "completed" || !r.file_path) throw notFound("Render", ctx.params.render_id as string);
    const asset = app.store.getAsset(r.asset_id);
    const base = (asset?.filename ?? "render").replace(/\.[^.]+$/, "");
    return sendFile(ctx, r.file_path, CONTENT_TYPES[r.output] ?? "application/octet-stream", `${base}${r.cut_id ? "-cut" : ""}.${r.output}`);
  });
}
