// Response shapes, parsed with zod at the client edge. Objects are loose (unknown fields pass through, so a
// newer API does not break us); fields the docs state are required, [inferred] ones are nullable/optional
// where a different server could reasonably leave them out. Resources keep the API's snake_case.
import { z } from "zod";

/**
 * ISO 8601 date-times as a FastAPI service may send them: `Z`, `+00:00`, `+0000` or no offset (a naive
 * datetime, read as UTC), with or without fractional seconds of any length, `T` or a space.
 */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function isIsoDateTime(value: string): boolean {
  return parseTimestamp(value) !== null;
}

/** Parses any accepted form to a Date (ms precision), or null. */
export function parseTimestamp(value: string): Date | null {
  const m = ISO_DATETIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "00", frac = "", zone = "Z"] = m;
  const ms = (frac + "000").slice(0, 3);
  let offset = zone.toUpperCase();
  if (offset !== "Z") {
    const sign = offset[0];
    const digits = offset.slice(1).replace(":", "");
    offset = `${sign}${digits.slice(0, 2)}:${digits.slice(2, 4) || "00"}`;
  }
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  return Number.isNaN(t) ? null : new Date(t);
}

export const zDateTime = z.string().refine(isIsoDateTime, { message: "not an ISO 8601 date-time" });
const zNullableDateTime = zDateTime.nullable();
/** Optional in the payload, null when absent: for [inferred] fields. */
const opt = <T extends z.ZodTypeAny>(schema: T) => schema.nullable().optional();

/** An enum that keeps unknown values (a newer server's new state) instead of failing the whole response. */
function openEnum<const T extends readonly string[]>(_values: T) {
  return z.string() as unknown as z.ZodType<T[number] | (string & {})>;
}

export const ASSET_STATES = ["pending_upload", "processing", "pending_payment", "ready", "failed"] as const;
export const CUT_STATES = ["pending", "processing", "completed", "failed"] as const;
export const RENDER_STATES = ["pending", "processing", "completed", "failed", "canceled"] as const;
export const RENDER_OUTPUTS = ["mp4", "mov", "m4a", "mp3"] as const;
export const EXPORT_FORMATS = ["edl", "xmeml", "fcpxml", "otio"] as const;
export const SUBTITLE_FORMATS = ["srt", "vtt"] as const;
export const WEBHOOK_EVENTS = [
  "asset.ready",
  "asset.failed",
  "cut.completed",
  "cut.failed",
  "render.completed",
  "render.failed",
] as const;

export type AssetState = (typeof ASSET_STATES)[number];
export type CutState = (typeof CUT_STATES)[number];
export type RenderState = (typeof RENDER_STATES)[number];
export type RenderOutput = (typeof RENDER_OUTPUTS)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const ProjectSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: opt(z.string()),
  created_at: zDateTime,
});
export type Project = z.infer<typeof ProjectSchema>;

export const AssetSchema = z.looseObject({
  id: z.string(),
  project_id: z.string(),
  state: openEnum(ASSET_STATES),
  cuttable: z.boolean(),
  filename: opt(z.string()),
  media_type: opt(z.string()),
  size_bytes: opt(z.number()),
  language: opt(z.string()),
  duration_seconds: opt(z.number()),
  renderable: opt(z.boolean()),
  upload_url: opt(z.string()),
  download_url: opt(z.string()),
  error_code: opt(z.string()),
  error_message: opt(z.string()),
  created_at: zDateTime,
  ready_at: opt(zDateTime),
});
export type Asset = z.infer<typeof AssetSchema>;

// Every field of a cut is stated by the docs: required, nullable where noted.
export const CutSchema = z.looseObject({
  id: z.string(),
  asset_id: z.string(),
  state: openEnum(CUT_STATES),
  script: z.string().nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  created_at: zDateTime,
  started_at: zNullableDateTime,
  completed_at: zNullableDateTime,
});
export type Cut = z.infer<typeof CutSchema>;

export const RenderSchema = z.looseObject({
  id: z.string(),
  asset_id: z.string(),
  cut_id: opt(z.string()),
  output: z.string(),
  state: openEnum(RENDER_STATES),
  progress: opt(z.number()),
  download_url: opt(z.string()),
  download_expires_at: opt(zDateTime),
  error_code: opt(z.string()),
  error_message: opt(z.string()),
  created_at: zDateTime,
  started_at: opt(zDateTime),
  completed_at: opt(zDateTime),
});
export type Render = z.infer<typeof RenderSchema>;

export const CreditsSchema = z.looseObject({
  balance: z.number(),
  currency: z.string().optional().default("credits"),
});
export type Credits = z.infer<typeof CreditsSchema>;

export const LedgerEntrySchema = z.looseObject({
  id: z.string(),
  kind: openEnum(["charge", "top_up", "refund"] as const),
  amount: z.number(),
  asset_id: opt(z.string()),
  minutes: opt(z.number()),
  balance_after: opt(z.number()),
  created_at: zDateTime,
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const WebhookSchema = z.looseObject({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  secret: opt(z.string()), // shown once, at create
  created_at: zDateTime,
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const UserSchema = z.looseObject({
  id: z.string(),
  email: opt(z.string()),
  name: opt(z.string()),
  created_at: opt(zDateTime),
});
export type User = z.infer<typeof UserSchema>;

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.looseObject({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int(),
    offset: z.number().int().nonnegative(),
  });
}

/** A file the API streamed back (an edit decision list or a subtitle). */
export interface ExportFile {
  content: string;
  contentType: string;
  filename: string;
  format: string;
}

/** One server-sent live update; `data` is the full resource as JSON. */
export interface LiveEvent {
  id?: string;
  type: "asset.updated" | "cut.updated" | "render.updated" | (string & {});
  data: unknown;
}
