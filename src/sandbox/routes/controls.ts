// Sandbox-only controls under /sandbox/ (bearer auth, never under /v1): set the credit balance, inject faults,
// attach a known transcript to an asset.
import { mediaToolsStatus } from "../media/ffmpeg.js";
import { z } from "zod";
import type { App } from "../app.js";
import { ApiError, notFound } from "../errors.js";
import { TranscriptParseError, parseTranscript } from "../engine/transcript-parse.js";
import { body, readBody, type Router } from "../http.js";
import { settlePending } from "../lifecycle.js";

const SetHolds = z
  .object({ renders: z.boolean().optional(), cuts: z.boolean().optional() })
  .refine((h) => h.renders !== undefined || h.cuts !== undefined, { message: "give renders or cuts", path: ["renders"] });

const SetCredits = z.object({ balance: z.number().int("must be an integer").min(0).max(1_000_000_000) });

const AddFault = z
  .object({
    path: z.string().startsWith("/", "must start with /"),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .transform((m) => m.toUpperCase())
      .optional(),
    count: z.number().int().min(1).max(1000).default(1),
    status: z.number().int().min(400).max(599).optional(),
    retry_after: z.number().int().min(0).max(3600).optional(),
    delay_ms: z.number().int().min(0).max(120_000).optional(),
    drop: z.boolean().optional(),
    after_bytes: z.number().int().min(0).optional(),
    after_handler: z.boolean().optional(),
    stall: z.boolean().optional(),
    bytes_per_second: z.number().int().min(1).optional(),
  })
  .refine((f) => f.status !== undefined || f.delay_ms !== undefined || f.drop === true || f.stall === true || f.bytes_per_second !== undefined, {
    message: "give status, delay_ms, drop, stall or bytes_per_second",
    path: ["status"],
  })
  .refine((f) => !f.after_handler || f.status !== undefined, { message: "after_handler needs a status", path: ["after_handler"] })
  .refine((f) => !f.stall || f.after_bytes !== undefined, { message: "stall needs after_bytes", path: ["after_bytes"] });

export function registerControls(router: Router, app: App): void {
  router.add("POST", "/sandbox/credits", async (ctx) => {
    const b = await body(ctx, SetCredits);
    const delta = b.balance - app.store.getBalance();
    // A raise is a top-up in the ledger; a lowering only sets the balance (the ledger has no kind for it).
    if (delta > 0) app.store.addLedger("top_up", delta, null, null);
    else app.store.setMeta("balance", String(b.balance));
    settlePending(app);
    return { status: 200, json: { balance: app.store.getBalance(), currency: "credits" } };
  });

  router.add("GET", "/sandbox/status", () => ({ status: 200, json: { media_tools: mediaToolsStatus() } }));

  router.add("POST", "/sandbox/faults", async (ctx) => {
    const b = await body(ctx, AddFault);
    app.faults.add(b);
    return { status: 201, json: { ...b, pending: app.faults.size } };
  });

  router.add("DELETE", "/sandbox/faults", () => {
    app.faults.clear();
    return { status: 204 };
  });

  router.add("POST", "/sandbox/holds", async (ctx) => {
    const b = await body(ctx, SetHolds);
    if (b.renders !== undefined) app.renderHold.set(b.renders);
    if (b.cuts !== undefined) app.cutHold.set(b.cuts);
    return { status: 200, json: { renders: app.renderHold.held, cuts: app.cutHold.held } };
  });

  router.add("DELETE", "/sandbox/holds", () => {
    app.renderHold.set(false);
    app.cutHold.set(false);
    return { status: 204 };
  });

  router.add("PUT", "/sandbox/assets/:asset_id/transcript", async (ctx) => {
    const id = ctx.params.asset_id as string;
    if (!app.store.getAsset(id)) throw notFound("Asset", id);
    const text = (await readBody(ctx.req, 16 * 1024 * 1024)).toString("utf8");
    let words;
    try {
      words = parseTranscript(text, ctx.req.headers["content-type"] ?? "");
    } catch (err) {
      if (err instanceof TranscriptParseError) {
        throw new ApiError("validation_error", err.message, { fields: [{ field: "body", message: err.message }] });
      }
      throw err;
    }
    app.store.updateAsset(id, { transcript_json: JSON.stringify(words) });
    return { status: 200, json: { asset_id: id, words: words.length } };
  });
}
