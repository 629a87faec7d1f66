// Background steps that lean on the media modules: subtitle generation after a cut completes, and renders.
// Kept apart from lifecycle.ts so that the state machines read without the media plumbing.
import type { App } from "./app.js";
import { timedOut } from "./jobs.js";
import { assetMediaPath, publishRender } from "./lifecycle.js";
import { cutGrid } from "./media/cut-grid.js";
import { RenderAbortedError, RenderError, type RenderOutput, renderMedia } from "./media/render.js";
import { type Caption, type SubtitleFormat, buildCaptions, renderSubtitle } from "./media/subtitles/index.js";
import type { MediaInfo, Segment, Word } from "./media/types.js";
import { joinInside } from "./safe-path.js";
import { nowIso } from "./store/db.js";

/** Render progress is persisted and announced at most this often (and on every whole 10 %). */
const PROGRESS_THROTTLE_MS = 500;

export function generateCaptions(app: App, cutId: string): void {
  if (app.closing) return;
  const cut = app.store.getCut(cutId);
  if (!cut || cut.state !== "completed" || cut.captions_json !== null) return;
  try {
    const words = JSON.parse(cut.words_json ?? "[]") as Word[];
    const segments = JSON.parse(cut.segments_json ?? "[]") as Segment[];
    const asset = app.store.getAsset(cut.asset_id);
    const info = asset?.info_json ? (JSON.parse(asset.info_json) as MediaInfo) : null;
    // On the cut's grid, which renders and exports snap to as well, so that every word is where they put it.
    const timing = info ? { frameRate: cutGrid(info), mediaDuration: info.duration } : {};
    app.store.updateCut(cutId, { captions_json: JSON.stringify(buildCaptions(words, segments, timing)) });
  } catch (err) {
    // Captions are derived data: store none so the export keeps answering modifier_not_ready, and log why.
    app.logger.error("subtitle generation failed", { cut_id: cutId, error: String(err) });
  }
}

export function renderSubtitleFile(format: SubtitleFormat, captionsJson: string): string {
  return renderSubtitle(format, JSON.parse(captionsJson) as Caption[]);
}

export function renderFileName(renderId: string, output: string): string {
  return `${renderId}.${output}`;
}

export async function runRender(app: App, renderId: string, signal: AbortSignal): Promise<void> {
  const r = app.store.getRender(renderId);
  if (!r || signal.aborted || (r.state !== "pending" && r.state !== "processing")) return;
  const asset = app.store.getAsset(r.asset_id);
  const cut = r.cut_id ? app.store.getCut(r.cut_id) : null;
  if (!asset?.info_json || (r.cut_id && !cut?.segments_json)) return;
  const outPath = joinInside(app.rendersDir, renderFileName(renderId, r.output));
  app.store.updateRender(renderId, { state: "processing", started_at: nowIso(), progress: 0 });
  publishRender(app, renderId);

  let lastAt = 0;
  let lastPct = 0;
  const onProgress = (pct: number) => {
    const p = Math.max(0, Math.min(99, Math.floor(pct)));
    const now = Date.now();
    if (p <= lastPct || (now - lastAt < PROGRESS_THROTTLE_MS && Math.floor(p / 10) === Math.floor(lastPct / 10))) return;
    if (app.store.getRender(renderId)?.state !== "processing") return;
    lastAt = now;
    lastPct = p;
    app.store.updateRender(renderId, { progress: p });
    publishRender(app, renderId);
  };

  try {
    await app.renderHold.pass(signal);
    if (signal.aborted) throw new RenderAbortedError();
    await renderMedia({
      input: assetMediaPath(app, asset.id),
      info: JSON.parse(asset.info_json) as MediaInfo,
      segments: cut ? (JSON.parse(cut.segments_json as string) as Segment[]) : null,
      output: r.output as RenderOutput,
      outPath,
      onProgress,
      signal,
    });
  } catch (caught) {
    // Canceled or deleted (the route already set the state), or the sandbox is closing (resumes on restart).
    if (((signal.aborted || caught instanceof RenderAbortedError) && !timedOut(signal)) || app.store.getRender(renderId)?.state !== "processing") return;
    const err = timedOut(signal) ? new RenderError("timeout", "The render took too long and was stopped. Try again; if it happens again, the source file may be damaged.") : caught;
    const known = err instanceof RenderError;
    if (!known) app.logger.error("render failed", { render_id: renderId, error: String(err) });
    app.store.updateRender(renderId, {
      state: "failed",
      error_code: known ? err.code : "internal_error",
      error_message: known ? err.message : "The render failed. Try again.",
      completed_at: nowIso(),
    });
    publishRender(app, renderId);
    return;
  }
  if (app.store.getRender(renderId)?.state !== "processing") return;
  app.store.updateRender(renderId, { state: "completed", progress: 100, file_path: outPath, completed_at: nowIso() });
  publishRender(app, renderId);
}
