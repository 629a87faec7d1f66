// Parameters that several tools share, defined once so that their descriptions and validation messages
// read the same everywhere (and cost tools/list bytes once per use, not per variant).

import { z } from "zod";

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A UUID string. Checked with a refinement rather than z.guid(): the check is the same, but it does not
 * add a 100-byte regex to every id in tools/list (the description says "UUID").
 */
export function uuid(error: string) {
  return z.string().refine((v) => UUID_RE.test(v), { error });
}

/** An id parameter whose validation message says which tool gives that id. */
function idParam(what: string, source: string) {
  return uuid(`must be a ${what} id (a UUID) as returned by ${source}`).describe(`from ${source.split(" or ")[0]}`);
}

export const cutId = idParam("cut", "create_cut or roughy_list kind=cuts");
export const assetId = idParam("asset", "upload_media or roughy_list kind=assets");
export const projectId = idParam("project", "create_project or roughy_list kind=projects");
export const renderId = idParam("render", "create_render or roughy_list kind=renders");
export const webhookId = idParam("webhook", "manage_webhooks or roughy_list kind=webhooks");

export const EXPORT_FORMATS = ["edl", "xmeml", "fcpxml", "otio"] as const;
export const SUBTITLE_FORMATS = ["srt", "vtt"] as const;
export const ALL_EXPORT_FORMATS = [...EXPORT_FORMATS, ...SUBTITLE_FORMATS] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];
export type AnyExportFormat = (typeof ALL_EXPORT_FORMATS)[number];

export const format = z
  .enum(ALL_EXPORT_FORMATS)
  .describe("edl, xmeml (Premiere/Resolve), fcpxml (Final Cut), otio, srt or vtt");

export const RENDER_OUTPUTS = ["mp4", "mov", "m4a", "mp3"] as const;
export const renderOutput = z.enum(RENDER_OUTPUTS).describe("mp4, mov, m4a or mp3");

export const limit = z.number().int().min(1).max(100).optional().describe("page size (default 20)");
export const offset = z.number().int().min(0).optional().describe("items to skip");

export const MAX_WAIT_SECONDS = 50;
export const waitSeconds = z
  .number()
  .min(0)
  .max(MAX_WAIT_SECONDS)
  .optional()
  .describe("seconds to wait for a final state (default 0)");

export const overwrite = z.boolean().optional().describe("replace an existing file");
