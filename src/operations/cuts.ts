// What the tools and the cut_to_script job (local and remote) do with a cut: create it once the asset is
// cuttable, fetch an export or subtitle file once it can be made, and summarise the kept segments. The
// contract's waits live here, once: 409 asset_processing on POST /v1/cuts and 409 modifier_not_ready on a
// subtitle both mean "ask again after Retry-After".

import { setTimeout as delay } from "node:timers/promises";
import { RoughyError, type Cut, type ExportFile, type ExportFormat, type RoughyClient, type SubtitleFormat } from "../client/index.js";
import { segmentsFromOtio, type CutSegments } from "./segments.js";

export type CutFileFormat = ExportFormat | SubtitleFormat;

export const SUBTITLE_FILE_FORMATS: readonly SubtitleFormat[] = ["srt", "vtt"];

export function isSubtitleFormat(format: string): format is SubtitleFormat {
  return (SUBTITLE_FILE_FORMATS as readonly string[]).includes(format);
}

/** A blank script is no script: the API would cut to nothing. */
export function normalizeScript(script: string | null | undefined): string | null {
  return script && script.trim() !== "" ? script : null;
}

/** Asks again after Retry-After (clamped) while `retryable` holds for the error and `attempts` last. */
async function retrying<T>(
  call: () => Promise<T>,
  retryable: (code: string) => boolean,
  options: { signal?: AbortSignal; attempts: number; minSeconds: number; maxSeconds: number; defaultSeconds: number; deadline?: number },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RoughyError) || !retryable(error.code) || attempt + 1 >= options.attempts) throw error;
      const ms = Math.min(options.maxSeconds, Math.max(options.minSeconds, error.retryAfter ?? options.defaultSeconds)) * 1000;
      if (options.deadline !== undefined && Date.now() + ms > options.deadline) throw error;
      await delay(ms, undefined, { signal: options.signal });
    }
  }
}

/**
 * POST /v1/cuts, idempotent on (asset, script): a repeat returns the existing cut (`created: false`). While the
 * asset is still preparing (409 asset_processing) it asks again, up to `attempts` times (1: no waiting) and
 * never past `deadline` (ms since the epoch); the last refusal is thrown.
 */
export function createCutWhenCuttable(
  client: RoughyClient,
  assetId: string,
  script: string | null,
  options: { signal?: AbortSignal; attempts?: number; deadline?: number } = {},
): Promise<{ cut: Cut; created: boolean }> {
  return retrying(
    () => client.cuts.create({ asset_id: assetId, ...(script ? { script } : {}) }, { signal: options.signal }),
    (code) => code === "asset_processing",
    { signal: options.signal, attempts: options.attempts ?? 30, minSeconds: 1, maxSeconds: 10, defaultSeconds: 2, ...(options.deadline ? { deadline: options.deadline } : {}) },
  );
}

/** An edit-decision or subtitle file of a completed cut; subtitles are made after the cut, so they are waited for. */
export function fetchCutFile(
  client: RoughyClient,
  cutId: string,
  format: CutFileFormat,
  options: { signal?: AbortSignal; frameRate?: number; deadline?: number } = {},
): Promise<ExportFile> {
  const { signal } = options;
  if (!isSubtitleFormat(format)) return client.cuts.export(cutId, format, { signal, ...(options.frameRate ? { frameRate: options.frameRate } : {}) });
  return retrying(() => client.cuts.exportSubtitle(cutId, format, { signal }), (code) => code === "modifier_not_ready", {
    signal,
    attempts: 60,
    minSeconds: 0.5,
    maxSeconds: 10,
    defaultSeconds: 1,
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });
}

export type SegmentSummary = {
  count: number;
  kept_seconds: number;
  source_seconds: number | null;
  kept_ratio: number | null;
  first: { start: number; end: number }[];
};

/** The kept segments in brief, read from the OTIO export (the API's machine-readable form of a cut); null when unreadable. */
export function summarizeOtio(otioJson: string, sourceSeconds: number | null): SegmentSummary | null {
  let parsed: CutSegments;
  try {
    parsed = segmentsFromOtio(otioJson);
  } catch {
    return null;
  }
  const source = sourceSeconds ?? parsed.source_seconds;
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    count: parsed.count,
    kept_seconds: r3(parsed.kept_seconds),
    source_seconds: source,
    kept_ratio: source ? r3(parsed.kept_seconds / source) : null,
    first: parsed.segments.slice(0, 5).map((s) => ({ start: r3(s.start), end: r3(s.end) })),
  };
}
