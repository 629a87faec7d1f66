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
    "Registers a URL to receive signed events (Standard Webhooks) when assets, cuts or renders finish; returns the signing secret once. Free. list kind=webhooks shows them, delete kind=webhook removes one.",
  inputSchema: {
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).describe("endpoint that receives POSTed events"),
    events: z.array(z.enum(EVENTS)).min(1).describe("events to send"),
  },
  outputSchema: { webhook: webhookView, secret: z.string().nullable() },
  toolsets: ["webhooks"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = await ctx.client();
    const created = await client.webhooks.create({ url: args.url, events: args.events }, { signal: ctx.signal });
    const secret = typeof created.secret === "string" ? created.secret : null;
    return {
      data: { webhook: { id: created.id, url: created.url, events: created.events, created_at: created.created_at }, secret },
      summary: `Webhook ${created.id} sends ${args.events.join(", ")} to ${created.url}. Store the signing secret now; it is not shown again. Verify the webhook-signature header with it.`,
    };
  },
});
