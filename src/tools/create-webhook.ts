// create_webhook: registers an HTTPS endpoint for signed terminal-state events, for integrations that
// should not poll. The signing secret is shown only in this answer (the API shows it once).

import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { webhookView } from "./views.js";

const EVENTS = ["asset.ready", "asset.failed", "cut.completed", "cut.failed", "render.completed", "render.failed"] as const;

export const createWebhook = defineTool({
  name: "create_webhook",
  title: "Create a webhook",
  description:
    "Registers a URL for signed events (Standard Webhooks) when assets, cuts or renders finish; the secret is shown once. Free.",
  inputSchema: {
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).describe("http(s) endpoint"),
    events: z.array(z.enum(EVENTS)).min(1).describe("asset.ready, asset.failed, cut.completed, cut.failed, render.completed or render.failed"),
  },
  outputSchema: { webhook: webhookView, secret: z.string().nullable() },
  toolsets: ["webhooks"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const created = await client.webhooks.create({ url: args.url, events: args.events }, { signal: ctx.signal });
    const secret = typeof created.secret === "string" ? created.secret : null;
    const next = "store the signing secret now (it is not shown again) and verify the webhook-signature header with it.";
    return {
      data: { webhook: { id: created.id, url: created.url, events: created.events, created_at: created.created_at }, secret, next_step: next },
      summary: `Webhook ${created.id} sends ${args.events.join(", ")} to ${created.url}. Next: ${next}`,
    };
  },
});
