// get: one project, asset, cut or render by id, with what to do next. A completed cut also shows its kept
// segments (read from the OTIO export), so an agent can judge a cut without exporting it. Signed download
// URLs are opt-in (include_download_url): they are bearer credentials until they expire.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { uuid } from "./shared-params.js";
import { viewAsset, viewCut, viewProject, viewRender } from "./views.js";
import { coverageSummary, readSegments, segmentsOutput } from "./create-cut.js";
import { KINDS as KIND_TABLE, kindsWhere, nextStep, toolsetsOf } from "../vocabulary/kinds.js";
import { CUT_TIMELINE_META } from "../vocabulary/uris.js";
import { uploadsFor } from "../operations/upload.js";
import { unsentAnswer } from "./roughy-wait.js";

const KINDS = kindsWhere("get") as ["project", "asset", "cut", "render"];

export const roughyGet = defineTool({
  name: "roughy_get",
  title: "Get one item",
  description:
    "One project, asset, cut or render: state, error, next step; a completed cut's segments and script coverage. Free.",
  inputSchema: {
    kind: z.enum(KINDS).describe("project, asset, cut or render"),
    id: uuid("must be a UUID as returned by the tool that created the item or by roughy_list").describe("its id"),
    include_download_url: z.boolean().optional().describe("add a signed download URL (a 15-min credential)"),
  },
  outputSchema: {
    kind: z.enum(KINDS),
    item: z.looseObject({ id: z.string() }),
    segments: segmentsOutput,
    uri: z.string(),
    next_step: z.string(),
  },
  toolsets: toolsetsOf(KINDS),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  // The view draws cuts; for the other kinds it says it has nothing to draw.
  _meta: CUT_TIMELINE_META,
  async handler(args, ctx) {
    const client = await ctx.client();
    const o = { signal: ctx.signal };
    const uri = KIND_TABLE[args.kind].uri(args.id);
    switch (args.kind) {
      case "project": {
        const [project, assets] = await Promise.all([client.projects.get(args.id, o), client.assets.list({ project_id: args.id, limit: 1, signal: ctx.signal })]);
        const item = { ...viewProject(project), asset_count: assets.total };
        const next = `roughy_list kind=assets with project_id=${item.id}, or upload_media.`;
        return {
          data: { kind: args.kind, item, segments: null, uri, next_step: next },
          summary: `Project "${item.name}" (${item.id}) has ${assets.total} asset(s). Next: ${next}`,
        };
      }
      case "asset": {
        const asset = await client.assets.get(args.id, o);
        // A signed URL lets anyone holding it fetch the file: shown only when asked for.
        // Bytes this server is still sending (or failed to send) are part of the asset's state here.
        const upload = asset.state === "pending_upload" ? uploadsFor(client).status(asset.id) : undefined;
        if (upload && upload.state !== "sent") {
          const unsent = unsentAnswer(asset, upload);
          const sending = { state: upload.state, bytes_sent: upload.bytesSent, bytes_total: upload.bytesTotal, error: unsent.data.resource.error_message };
          return {
            data: { kind: args.kind, item: { ...viewAsset(asset), sending }, segments: null, uri, next_step: unsent.data.next_step },
            summary: unsent.summary.replace(/^asset /, "Asset "),
          };
        }
        const item = { ...viewAsset(asset), ...(args.include_download_url ? { download_url: asset.download_url ?? null } : {}) };
        const duration = item.duration_seconds !== null ? `, ${(item.duration_seconds / 60).toFixed(1)} min` : "";
        const next = nextStep("asset", item);
        return {
          data: { kind: args.kind, item, segments: null, uri, next_step: next },
          summary: `Asset ${item.id} (${item.filename ?? "unnamed"}${duration}) is ${item.state}${item.error ? ` (${item.error})` : ""}. Next: ${next}`,
        };
      }
      case "cut": {
        const cut = await client.cuts.get(args.id, o);
        const item = viewCut(cut);
        const segments = await readSegments(client, cut, ctx.signal);
        const kept = segments ? `; keeps ${segments.count} segment(s), ${segments.kept_seconds.toFixed(1)} s` : "";
        const next = nextStep("cut", item);
        return {
          data: { kind: args.kind, item, segments, uri, next_step: next },
          summary: `Cut ${item.id} of asset ${item.asset_id} is ${item.state}${item.error ? ` (${item.error})` : ""}${kept}.${coverageSummary(segments)} Next: ${next}`,
        };
      }
      case "render": {
        const render = await client.renders.get(args.id, o);
        const item = { ...viewRender(render), ...(args.include_download_url ? { download_url: render.download_url ?? null } : {}) };
        const pct = item.state === "processing" && item.progress !== null ? ` ${item.progress}%` : "";
        const next = nextStep("render", item);
        return {
          data: { kind: args.kind, item, segments: null, uri, next_step: next },
          summary: `Render ${item.id} (${item.output}) is ${item.state}${pct}${item.error ? ` (${item.error})` : ""}. Next: ${next}`,
        };
      }
    }
  },
});
