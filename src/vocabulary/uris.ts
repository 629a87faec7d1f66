// The URIs the server answers, as constants and builders, and the one parser that maps a roughy:// URI to what
// it names. Anything else is rejected here, as a protocol error (a bad URI is the client's mistake, not a
// tool's). The ui:// URI of the cut timeline view (an MCP App) lives here too, so that the tools that link it
// and the resource that serves it share one name without importing each other.

import { ProtocolError, ProtocolErrorCode } from "./errors.js";

export const CUT_TIMELINE_URI = "ui://roughy/cut-timeline.html";

/** `_meta` for a tool whose result the timeline view can show (MCP Apps, SEP-1865). */
export const CUT_TIMELINE_META = { ui: { resourceUri: CUT_TIMELINE_URI } } as const;

export const URI_TEMPLATES = {
  cutExport: "roughy://cuts/{cut_id}/export/{format}",
  cutSubtitle: "roughy://cuts/{cut_id}/subtitle/{format}",
  project: "roughy://projects/{project_id}",
  asset: "roughy://assets/{asset_id}",
  cut: "roughy://cuts/{cut_id}",
  render: "roughy://renders/{render_id}",
} as const;

export const RESOURCE_EXPORT_FORMATS = ["edl", "xmeml", "fcpxml", "otio"] as const;
export const RESOURCE_SUBTITLE_FORMATS = ["srt", "vtt"] as const;
export type ResourceExportFormat = (typeof RESOURCE_EXPORT_FORMATS)[number];
export type ResourceSubtitleFormat = (typeof RESOURCE_SUBTITLE_FORMATS)[number];

export type EntityKind = "project" | "asset" | "cut" | "render";

export type ParsedUri =
  | { type: "export"; cutId: string; format: ResourceExportFormat; frameRate?: number }
  | { type: "subtitle"; cutId: string; format: ResourceSubtitleFormat }
  | { type: "entity"; kind: EntityKind; id: string };

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const EXPORT_RE = new RegExp(`^roughy://cuts/(${UUID})/export/([a-z]+)$`);
const SUBTITLE_RE = new RegExp(`^roughy://cuts/(${UUID})/subtitle/([a-z]+)$`);
const ENTITY_RE = new RegExp(`^roughy://(projects|assets|cuts|renders)/(${UUID})$`);
const KIND_OF: Record<string, EntityKind> = { projects: "project", assets: "asset", cuts: "cut", renders: "render" };

/** A URI as quoted in an error: bounded, so that a 2 MB URI does not come back as a 2 MB answer. */
export function quoteUri(uri: string): string {
  return uri.length > 200 ? `${JSON.stringify(uri.slice(0, 120))}… (${uri.length} characters)` : JSON.stringify(uri);
}

/** Longest URI echoed back as the error's `data.uri` (the 2026-07-28 spec asks for it; a huge one is left out). */
const MAX_ECHOED_URI = 2048;

function invalid(uri: string, why: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown resource URI ${quoteUri(uri)}: ${why}.`, uri.length <= MAX_ECHOED_URI ? { uri } : undefined);
}

export function exportUri(cutId: string, format: ResourceExportFormat): string {
  return `roughy://cuts/${cutId}/export/${format}`;
}
export function subtitleUri(cutId: string, format: ResourceSubtitleFormat): string {
  return `roughy://cuts/${cutId}/subtitle/${format}`;
}
export function entityUri(kind: EntityKind, id: string): string {
  return `roughy://${kind}s/${id}`;
}

/** Parses a roughy:// URI; throws ProtocolError(InvalidParams) for anything that is not one of the templates. */
export function parseRoughyUri(uri: string): ParsedUri {
  if (typeof uri !== "string" || !uri.startsWith("roughy://")) throw invalid(String(uri), "only roughy:// URIs are served");
  const q = uri.indexOf("?");
  const base = q === -1 ? uri : uri.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : uri.slice(q + 1));

  let m = EXPORT_RE.exec(base);
  if (m) {
    const format = m[2] as ResourceExportFormat;
    if (!RESOURCE_EXPORT_FORMATS.includes(format)) throw invalid(uri, `export format must be one of ${RESOURCE_EXPORT_FORMATS.join(", ")}`);
    // An audio-only source needs a frame rate for frame-based formats: `?frame_rate=25`.
    const keys = [...query.keys()];
    if (keys.some((k) => k !== "frame_rate")) throw invalid(uri, "the only query parameter is frame_rate");
    const fr = query.get("frame_rate");
    if (fr === null) return { type: "export", cutId: m[1]!, format };
    const frameRate = Number(fr);
    if (!Number.isFinite(frameRate) || frameRate <= 0 || frameRate > 240) throw invalid(uri, "frame_rate must be a number such as 25, 29.97 or 30");
    return { type: "export", cutId: m[1]!, format, frameRate };
  }
  if (q !== -1) throw invalid(uri, "query parameters are only accepted on export URIs");
  m = SUBTITLE_RE.exec(base);
  if (m) {
    const format = m[2] as ResourceSubtitleFormat;
    if (!RESOURCE_SUBTITLE_FORMATS.includes(format)) throw invalid(uri, `subtitle format must be srt or vtt`);
    return { type: "subtitle", cutId: m[1]!, format };
  }
  m = ENTITY_RE.exec(base);
  if (m) return { type: "entity", kind: KIND_OF[m[1]!]!, id: m[2]! };
  throw invalid(uri, `expected one of ${Object.values(URI_TEMPLATES).join(", ")} with a UUID id`);
}
