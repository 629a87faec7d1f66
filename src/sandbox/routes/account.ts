// Health probes (no auth), the user, and credits with their ledger.
import { z } from "zod";
import type { App } from "../app.js";
import { pageReply, pagination, query, type Router } from "../http.js";
import { ledgerView } from "../serialize.js";

export function registerAccount(router: Router, app: App): void {
  router.add("GET", "/health", () => ({ status: 200, json: { status: "ok" } }));
  router.add("GET", "/health/ready", () => {
    // Ready means the database answers; a closing sandbox is not ready.
    const ok = !app.closing && app.store.db.open && app.store.db.prepare("SELECT 1 AS one").get() !== undefined;
    return { status: ok ? 200 : 503, json: { status: ok ? "ready" : "unavailable" } };
  });

  router.add("GET", "/v1/users/me", () => ({
    status: 200,
    json: {
      id: app.store.getMeta("user_id"),
      email: "sandbox@roughy.local",
      name: "Sandbox user",
      created_at: app.store.getMeta("created_at"),
    },
  }));

  router.add("GET", "/v1/credits", () => ({ status: 200, json: { balance: app.store.getBalance(), currency: "credits" } }));

  router.add("GET", "/v1/credits/ledger", (ctx) => {
    const q = query(ctx, z.object(pagination));
    const page = app.store.listLedger(q.limit, q.offset);
    return pageReply(page.items.map(ledgerView), page.total, q.limit, q.offset);
  });
}
