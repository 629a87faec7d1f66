// Entry point for edit-decision exports: one call from the API layer, one module per format.
import { type ExportFile, type ExportFormat, type ExportInput, planExport } from "./common.js";
export { exportSourceOf } from "./common.js";
import { renderEdl } from "./edl.js";
import { renderFcpxml } from "./fcpxml.js";
import { renderOtio } from "./otio.js";
import { renderXmeml } from "./xmeml.js";
import { type FrameRate, toFrameRate } from "../timecode.js";

export type { DroppedWord, ExportFile, ExportFormat, ExportInput, ExportSource } from "./common.js";
export { parseExport } from "./parse.js";

export const EXPORT_FORMATS: readonly ExportFormat[] = ["edl", "xmeml", "fcpxml", "otio"];

/** Formats that count frames and so need a frame rate even for audio-only media. */
export const FRAME_BASED_FORMATS: readonly ExportFormat[] = ["edl", "xmeml", "fcpxml"];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === "string" && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Renders a cut as an edit-decision file. Throws RangeError for a frame rate that is not a
 * positive number, UnsupportedRateError for one the format cannot carry; the caller decides which rate to pass (the source's, or the user's
 * `frame_rate` for audio). OTIO of audio-only media has no natural rate: callers may pass the
 * user's rate or any default (the sandbox's choice), since OTIO times are exact either way.
 */
/** A rate the format cannot express: its message says which formats can. */
export class UnsupportedRateError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedRateError";
  }
}

/**
 * Why a format cannot carry this rate, or null. EDL and xmeml count frames in SMPTE timecode, whose seconds hold a
 * whole number of frames (timebase, with NTSC's ×1000/1001 as a flag): 12.5 or 29.83 fps have no timecode, and
 * an export at the nearest one would drift from the media. CMX 3600 frames are two digits, so EDL stops at 60.
 */
export function rateProblem(format: ExportFormat, fps: number | FrameRate): string | null {
  if (format !== "edl" && format !== "xmeml") return null;
  const rate = typeof fps === "number" ? toFrameRate(fps) : fps;
  const shown = Number(rate.fps.toFixed(3));
  if (!rate.ntsc && rate.den !== 1) return `${shown} fps has no SMPTE timecode, so ${format} cannot carry it: export fcpxml or otio, which keep exact time.`;
  if (format === "edl" && rate.timebase > 60) return `CMX 3600 EDL timecode stops at 60 fps; this source is ${shown} fps: export xmeml, fcpxml or otio.`;
  return null;
}

export function renderExport(format: ExportFormat, input: ExportInput): ExportFile {
  const problem = rateProblem(format, input.frameRate);
  if (problem) throw new UnsupportedRateError(problem);
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
