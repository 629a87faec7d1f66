// Entry point for edit-decision exports: one call from the API layer, one module per format.
import { type ExportFile, type ExportFormat, type ExportInput, planExport } from "./common.js";
import { renderEdl } from "./edl.js";
import { renderFcpxml } from "./fcpxml.js";
import { renderOtio } from "./otio.js";
import { renderXmeml } from "./xmeml.js";

export type { ExportFile, ExportFormat, ExportInput, ExportSource } from "./common.js";
export { parseExport } from "./parse.js";

export const EXPORT_FORMATS: readonly ExportFormat[] = ["edl", "xmeml", "fcpxml", "otio"];

/** Formats that count frames and so need a frame rate even for audio-only media. */
export const FRAME_BASED_FORMATS: readonly ExportFormat[] = ["edl", "xmeml", "fcpxml"];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === "string" && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Renders a cut as an edit-decision file. Throws RangeError for a frame rate that is not a
 * positive number; the caller decides which rate to pass (the source's, or the user's
 * `frame_rate` for audio). OTIO of audio-only media has no natural rate: callers may pass the
 * user's rate or any default (the sandbox's choice), since OTIO times are exact either way.
 */
export function renderExport(format: ExportFormat, input: ExportInput): ExportFile {
  const plan = planExport(input);
  switch (format) {
    case "edl":
      return { body: renderEdl(plan), contentType: "text/plain", extension: "edl" };
    case "xmeml":
      return { body: renderXmeml(plan), contentType: "application/xml", extension: "xml" };
    case "fcpxml":
      return { body: renderFcpxml(plan), contentType: "application/xml", extension: "fcpxml" };
    case "otio":
      return { body: renderOtio(plan), contentType: "application/json", extension: "otio" };
  }
}
