// cancel_render: stops a render that is still pending or processing (the API answers conflict when it
// already finished; the wrapper turns that into a message that says so).

import { defineTool } from "./define-tool.js";
import { renderId } from "./shared-params.js";
import { renderView, viewRender } from "./views.js";
import { nextStep } from "../vocabulary/kinds.js";

export const cancelRender = defineTool({
  name: "cancel_render",
  title: "Cancel a render",
  description: "Cancels a pending or processing render (render_id from create_render). Free.",
  inputSchema: { render_id: renderId },
  outputSchema: { render: renderView },
  toolsets: ["renders"],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const render = viewRender(await client.renders.cancel(args.render_id, { signal: ctx.signal }));
    const next = nextStep("render", render);
    return {
      data: { render, next_step: next },
      summary: `Render ${render.id} is ${render.state}. Next: ${next}`,
    };
  },
});
