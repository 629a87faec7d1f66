// download_render: saves a completed render's file into an allowed directory. The signed URL needs no
// key; the bytes land under a temp name and are moved into place only when complete, never over an
// existing file unless overwrite is set.

import path from "node:path";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { overwrite, renderId } from "./shared-params.js";
import { nextStep } from "../vocabulary/kinds.js";
import { downloadRenderTo } from "../operations/save-file.js";

export const downloadRender = defineTool({
  name: "download_render",
  title: "Download a render",
  description:
    "Saves a completed render (render_id from create_render) to save_to or the first allowed folder. Free. Never overwrites unless asked.",
  inputSchema: {
    render_id: renderId,
    save_to: z.string().optional().describe("file path in an allowed folder"),
    overwrite,
  },
  outputSchema: { render_id: z.string(), saved_to: z.string(), bytes: z.number(), output: z.string() },
  toolsets: ["renders"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const replace = args.overwrite ?? false;
    // A named destination is checked first: a refusal costs no API call.
    const named = args.save_to ? await ctx.files.resolveWritable(args.save_to, "save_to", { overwrite: replace }) : null;
    const client = await ctx.client();
    const render = await client.renders.get(args.render_id, { signal: ctx.signal });
    if (render.state !== "completed") {
      throw new ToolError(`Render ${render.id} is ${String(render.state)}, not completed. Next: ${nextStep("render", { id: render.id, state: String(render.state), asset_id: render.asset_id })}`);
    }
    const target =
      named ?? (await ctx.files.resolveWritable(path.join(await ctx.files.defaultDir(), `render-${render.id}.${render.output}`), "save_to", { overwrite: replace }));
    const result = await downloadRenderTo(client, ctx.files, render, target, {
      overwrite: replace,
      signal: ctx.signal,
      onProgress: (bytes, total) => ctx.progress.report(`Downloaded ${(bytes / 1e6).toFixed(1)} MB`, bytes, total ?? undefined),
    });
    const next = render.cut_id ? `open it, or export_cut cut_id=${render.cut_id} for an editable timeline.` : "open it, or export_cut for an editable timeline.";
    return {
      data: { render_id: render.id, saved_to: target, bytes: result.bytes, output: render.output, next_step: next },
      summary: `Saved render ${render.id} (${render.output}, ${(result.bytes / 1e6).toFixed(1)} MB) to ${target}. Next: ${next}`,
    };
  },
});
