// Webhook endpoints [inferred]: register (the secret is shown once), list, delete. Delivery of terminal events
// is webhook-delivery.ts's job; index.ts wires the event bus to it.
import { z } from "zod";
import type { App } from "../app.js";
import { notFound } from "../errors.js";
import { body, pageReply, pagination, query, type Router } from "../http.js";
import { webhookView } from "../serialize.js";
import { WEBHOOK_EVENT_TYPES, generateWebhookSecret } from "../webhook-delivery.js";

const CreateWebhook = z.object({
  url: z
    .string()
    .url("must be an http(s) URL")
    .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, "name at least one event"),
});

export function registerWebhooks(router: Router, app: App): void {
  router.add("POST", "/v1/webhooks", async (ctx) => {
    const b = await body(ctx, CreateWebhook);
    const row = app.store.createWebhook(b.url, [...new Set(b.events)], generateWebhookSecret());
    return { status: 201, json: webhookView(row, { withSecret: true }), headers: { Location: `${app.baseUrl}/v1/webhooks/${row.id}` } };
  });

  router.add("GET", "/v1/webhooks", (ctx) => {
    const q = query(ctx, z.object(pagination));
    const page = app.store.listWebhooks(q.limit, q.offset);
    return pageReply(
      page.items.map((w) => webhookView(w)),
      page.total,
      q.limit,
      q.offset,
    );
  });

  router.add("GET", "/v1/webhooks/:webhook_id", (ctx) => {
    const w = app.store.getWebhook(ctx.params.webhook_id as string);
    if (!w) throw notFound("Webhook", ctx.params.webhook_id as string);
    return { status: 200, json: webhookView(w) };
  });

  router.add("DELETE", "/v1/webhooks/:webhook_id", (ctx) => {
    const id = ctx.params.webhook_id as string;
    if (!app.store.getWebhook(id)) throw notFound("Webhook", id);
    app.store.deleteWebhook(id);
    return { status: 204 };
  });
}
