// Compact views of the API's resources for tool answers: the fields an agent acts on, with stable types
// (null rather than missing), so that output schemas stay small and every tool shows a resource the same way.

import { z } from "zod";
import type { Asset, Cut, LedgerEntry, Project, Render, Webhook } from "../client/index.js";

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export const projectView = z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), created_at: z.string() });
export function viewProject(p: Project): z.infer<typeof projectView> {
  return { id: p.id, name: p.name, description: str(p.description), created_at: p.created_at };
}

export const assetView = z.object({
  id: z.string(),
  project_id: z.string(),
  filename: z.string().nullable(),
  state: z.string(),
  media_type: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  cuttable: z.boolean(),
  error: z.string().nullable(),
  created_at: z.string(),
});
export function viewAsset(a: Asset): z.infer<typeof assetView> {
  return {
    id: a.id,
    project_id: a.project_id,
    filename: str(a.filename),
    state: String(a.state),
    media_type: str(a.media_type),
    duration_seconds: num(a.duration_seconds),
    cuttable: a.cuttable,
    error: a.error_code ? `${a.error_code}: ${a.error_message ?? ""}`.trim() : null,
    created_at: a.created_at,
  };
}

export const cutView = z.object({
  id: z.string(),
  asset_id: z.string(),
  state: z.string(),
  has_script: z.boolean(),
  error: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});
export function viewCut(c: Cut): z.infer<typeof cutView> {
  return {
    id: c.id,
    asset_id: c.asset_id,
    state: String(c.state),
    has_script: typeof c.script === "string" && c.script.length > 0,
    error: c.error_code ? `${c.error_code}: ${c.error_message ?? ""}`.trim() : null,
    created_at: c.created_at,
    completed_at: str(c.completed_at),
  };
}

export const renderView = z.object({
  id: z.string(),
  asset_id: z.string(),
  cut_id: z.string().nullable(),
  output: z.string(),
  state: z.string(),
  progress: z.number().nullable(),
  download_expires_at: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
});
export function viewRender(r: Render): z.infer<typeof renderView> {
  return {
    id: r.id,
    asset_id: r.asset_id,
    cut_id: str(r.cut_id),
    output: r.output,
    state: String(r.state),
    progress: num(r.progress),
    download_expires_at: str(r.download_expires_at),
    error: r.error_code ? `${r.error_code}: ${r.error_message ?? ""}`.trim() : null,
    created_at: r.created_at,
  };
}

export const webhookView = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), created_at: z.string() });
export function viewWebhook(w: Webhook): z.infer<typeof webhookView> {
  return { id: w.id, url: w.url, events: w.events, created_at: w.created_at };
}

/** A credits ledger line as get_credits shows it; list (kind=ledger) puts the entry's id in front. */
export function viewLedgerEntry(e: LedgerEntry) {
  return {
    kind: String(e.kind),
    amount: e.amount,
    asset_id: e.asset_id ?? null,
    minutes: e.minutes ?? null,
    balance_after: e.balance_after ?? null,
    created_at: e.created_at,
  };
}
