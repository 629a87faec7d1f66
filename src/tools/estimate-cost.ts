// estimate_cost: the free look before anything is spent (the peer service cut.pro sets this bar): what a
// local file will cost to upload, and whether the balance covers it.

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { quoteUpload } from "./confirm-cost.js";

export const estimateCost = defineTool({
  name: "estimate_cost",
  title: "Estimate upload cost",
  description:
    "Free. What uploading a local video/audio file costs (1 credit per started minute) against the balance. Call before upload_media.",
  inputSchema: {
    path: z.string().describe("local file path"),
  },
  outputSchema: {
    path: z.string(),
    media_type: z.enum(["video", "audio"]),
    duration_seconds: z.number(),
    size_bytes: z.number(),
    credits: z.number(),
    balance: z.number(),
    enough: z.boolean(),
    mode: z.enum(["sandbox", "remote"]),
  },
  toolsets: ["assets", "credits"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const { file, info, credits, balance } = await quoteUpload(ctx, args.path);
    await file.close();
    const { realPath: real, size } = file;
    const enough = balance >= credits;
    const minutes = (info.duration_seconds / 60).toFixed(1);
    const next = enough ? "upload_media with this path." : "top up credits before upload_media (the upload would wait for payment).";
    return {
      data: { path: real, media_type: info.media_type, duration_seconds: info.duration_seconds, size_bytes: size, credits, balance, enough, mode: ctx.mode, next_step: next },
      summary: `${info.media_type}, ${minutes} min: uploading costs ${credits} credit(s); balance ${balance}${ctx.mode === "sandbox" ? " (sandbox, simulated)" : ""}. Next: ${next}`,
    };
  },
});
