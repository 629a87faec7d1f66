// create_render: flattens an asset, through a cut or in full, to a video or audio file on the service.
// Renders are not deduplicated, so this is not idempotent; with wait_seconds it follows the render's
// progress (0-100) and answers when it completes or the wait ends.

import { nextStep } from "../vocabulary/kinds.js";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { assetId, cutId, renderOutput, waitSeconds } from "./shared-params.js";
import { renderView, viewRender } from "./views.js";
import { waitAfterCreate } from "./wait-after-create.js";

export const createRender = defineTool({
  name: "create_render",
  title: "Render a cut",
  description:
    "Renders an asset (asset_id from upload_media) through a cut (cut_id from create_cut), or in full without one, to mp4/mov/m4a/mp3. Free. Next: download_render.",
  inputSchema: {
    asset_id: assetId,
    cut_id: cutId.optional(),
    output: renderOutput,
    wait_seconds: waitSeconds,
  },
  outputSchema: { render: renderView, timed_out: z.boolean(), next_step: z.string() },
  toolsets: ["renders"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const created = await client.renders.create({ asset_id: args.asset_id, cut_id: args.cut_id ?? null, output: args.output }, { signal: ctx.signal });
    let waited;
    try {
      waited = await waitAfterCreate(client, "render", created, args.wait_seconds, ctx);
    } catch (error) {
      // Cancelling this call cancels the render it started and was waiting on (the README says so): the
      // client asked to stop, and an orphaned render would go on working for nobody.
      if (ctx.signal.aborted) await client.renders.cancel(created.id).catch(() => {});
      throw error;
    }
    const { resource: render, timedOut } = waited;
    const view = viewRender(render);
    const progress = view.state === "processing" && view.progress !== null ? ` ${view.progress}%` : "";
    const source = args.cut_id ? `cut ${args.cut_id}` : "the full source";
    const next = nextStep("render", view);
    return {
      data: { render: view, timed_out: timedOut, next_step: next },
      summary: `Render ${render.id} of ${source} to ${args.output}: ${view.state}${progress}${view.error ? ` (${view.error})` : ""}. Next: ${next}`,
    };
  },
});
