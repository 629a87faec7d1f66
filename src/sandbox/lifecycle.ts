// The sandbox's state machines and the background work that drives them: asset preparation and the per-minute
// charge, cut computation and subtitle generation, renders; the cascades of a delete; and what happens to work
// that was in flight when the process stopped (it resumes: every step is idempotent). See README.md.
import fs from "node:fs";
import type { App } from "./app.js";
import { CutFailure, computeCut, type CutPlan } from "./engine/plan.js";
import { timedOut } from "./jobs.js";
import { MediaError, mediaTimeoutMs, probeMedia } from "./media/probe.js";
import type { MediaInfo, Word } from "./media/types.js";
import { joinInside } from "./safe-path.js";
import { assetView, cutView, renderView } from "./serialize.js";
import { nowIso } from "./store/db.js";
import { generateCaptions, runRender } from "./workers.js";

/** Where an asset's bytes live: the TUS file store names the file after the upload id, which is the asset id. */
export function assetMediaPath(app: App, assetId: string): string {
  return joinInside(app.uploadsDir, assetId);
}

export function publishAsset(app: App, id: string): void {
  const a = app.store.getAsset(id);
  if (a) app.bus.publish(a.id, "asset.updated", assetView(app, a));
}

export function publishCut(app: App, id: string): void {
  const c = app.store.getCut(id);
  if (c) app.bus.publish(c.asset_id, "cut.updated", cutView(c));
}

export function publishRender(app: App, id: string): void {
  const r = app.store.getRender(id);
  if (r) app.bus.publish(r.asset_id, "render.updated", renderView(app, r));
}

/** One credit per source minute, rounded up [doc]; a tiny tolerance keeps 60.0000001 s at one minute. */
export function minutesFor(durationSeconds: number): number {
  return Math.max(1, Math.ceil(durationSeconds / 60 - 1e-6));
}

// ---- assets

/** Called when the last byte of an upload lands (and on restart for an upload that completed unrecorded). */
export function uploadFinished(app: App, assetId: string): void {
  const a = app.store.getAsset(assetId);
  if (!a || a.state !== "pending_upload") return;
  app.store.updateAsset(assetId, { state: "processing" });
  publishAsset(app, assetId);
  startPreparation(app, assetId);
}

/**
 * Job time limits. Each child process has its own (media-tools/run.ts); these are the backstop for a job as a
 * whole. Preparation: two probe readers of at most a minute each, plus one decode of the audio when there are
 * several streams; the duration is not known yet, so a fixed 20 minutes. A cut decodes the audio up to three
 * times (recognition, level, pauses); a render once.
 */
const PREPARE_TIMEOUT_MS = 20 * 60_000;

function durationOf(app: App, assetId: string): number {
  return app.store.getAsset(assetId)?.duration_seconds ?? 3600;
}

export function startPreparation(app: App, assetId: string): void {
  app.jobs.enqueue(`asset:${assetId}`, (signal) => prepareAsset(app, assetId, signal), { timeoutMs: PREPARE_TIMEOUT_MS });
}

async function prepareAsset(app: App, assetId: string, signal: AbortSignal): Promise<void> {
  const a = app.store.getAsset(assetId);
  if (!a || a.state !== "processing") return;
  let info: MediaInfo;
  try {
    info = await probeMedia(assetMediaPath(app, assetId), signal);
  } catch (err) {
    if (signal.aborted && !timedOut(signal)) return;
    const media = err instanceof MediaError;
    app.store.updateAsset(assetId, {
      state: "failed",
      error_code: media || timedOut(signal) ? "media_unreadable" : "preparation_failed",
      error_message: timedOut(signal)
        ? "Reading the file took too long and was stopped. Upload a complete recording in a common format (mp4, mov, mkv, mxf, wav, mp3)."
        : media
          ? `${err.message}${/[Uu]pload|[Cc]onvert|[Cc]heck/.test(err.message) ? "" : " Upload an audio or video file."}`
          : "The asset could not be prepared. Try uploading it again.",
    });
    if (!media) app.logger.error("asset preparation failed", { asset_id: assetId, error: String(err) });
    else app.logger.info("upload is not readable media", { asset_id: assetId, reason: err.message });
    publishAsset(app, assetId);
    return;
  }
  if (signal.aborted || !app.store.getAsset(assetId)) return;
  app.store.updateAsset(assetId, { media_type: info.media_type, duration_seconds: info.duration, info_json: JSON.stringify(info) });
  settleAsset(app, assetId);
}

/**
 * Charges a prepared asset if the balance covers it (ready), else leaves it pending_payment. The charge and the
 * state change are one transaction, and charged_minutes guards against a second charge after a restart.
 */
function settleAsset(app: App, assetId: string): boolean {
  const settled = app.store.db.transaction(() => {
    const a = app.store.getAsset(assetId);
    if (!a || a.duration_seconds === null || (a.state !== "processing" && a.state !== "pending_payment")) return false;
    if (a.charged_minutes !== null) {
      app.store.updateAsset(assetId, { state: "ready", ready_at: a.ready_at ?? nowIso() });
      return true;
    }
    const minutes = minutesFor(a.duration_seconds);
    if (app.store.getBalance() < minutes) {
      if (a.state === "pending_payment") return false;
      app.store.updateAsset(assetId, { state: "pending_payment" });
      return true;
    }
    app.store.addLedger("charge", -minutes, assetId, minutes);
    app.store.updateAsset(assetId, { state: "ready", charged_minutes: minutes, ready_at: nowIso() });
    return true;
  })();
  if (settled) publishAsset(app, assetId);
  return settled;
}

/** After a top-up: settles pending_payment assets oldest first, stopping at the first the balance cannot cover. */
export function settlePending(app: App): void {
  for (const a of app.store.assetsInState("pending_payment")) {
    settleAsset(app, a.id);
    if (app.store.getAsset(a.id)?.state !== "ready") break;
  }
}

// ---- cuts

export function startCut(app: App, cutId: string): void {
  const assetId = app.store.getCut(cutId)?.asset_id;
  const timeoutMs = 3 * mediaTimeoutMs(assetId ? durationOf(app, assetId) : 3600);
  app.jobs.enqueue(`cut:${cutId}`, (signal) => runCut(app, cutId, signal), { timeoutMs });
}

async function runCut(app: App, cutId: string, signal: AbortSignal): Promise<void> {
  const cut = app.store.getCut(cutId);
  if (!cut || (cut.state !== "pending" && cut.state !== "processing")) return;
  const asset = app.store.getAsset(cut.asset_id);
  if (!asset?.info_json) return;
  app.store.updateCut(cutId, { state: "processing", started_at: nowIso() });
  publishCut(app, cutId);
  await app.cutHold.pass(signal);
  let plan: CutPlan;
  try {
    plan = await computeCut({
      mediaPath: assetMediaPath(app, asset.id),
      info: JSON.parse(asset.info_json) as MediaInfo,
      script: cut.script,
      transcript: asset.transcript_json ? (JSON.parse(asset.transcript_json) as Word[]) : null,
      language: asset.language,
      signal,
    });
  } catch (err) {
    // Aborted: the cut was deleted, or the sandbox is closing (the cut stays processing and resumes on restart).
    if ((signal.aborted && !timedOut(signal)) || !app.store.getCut(cutId)) return;
    const failure = err instanceof CutFailure;
    if (!failure) app.logger.error("cut failed", { cut_id: cutId, error: String(err) });
    app.store.updateCut(cutId, {
      state: "failed",
      error_code: timedOut(signal) ? "timeout" : failure ? err.code : "internal_error",
      error_message: timedOut(signal) ? "Computing the cut took too long and was stopped. Try again." : failure ? err.message : "The cut could not be computed. Try again.",
      completed_at: nowIso(),
    });
    publishCut(app, cutId);
    return;
  }
  if (signal.aborted || !app.store.getCut(cutId)) return;
  app.store.updateCut(cutId, {
    state: "completed",
    segments_json: JSON.stringify(plan.segments),
    words_json: JSON.stringify(plan.words),
    dropped_json: JSON.stringify(plan.dropped),
    warnings_json: plan.warnings?.length ? JSON.stringify(plan.warnings) : null,
    completed_at: nowIso(),
  });
  publishCut(app, cutId);
  // The subtitle is generated after the cut completes [doc]; until it is stored, its export answers
  // modifier_not_ready, as the real service does while it works.
  setImmediate(() => generateCaptions(app, cutId));
}

// ---- renders

export function startRender(app: App, renderId: string): void {
  const assetId = app.store.getRender(renderId)?.asset_id;
  const timeoutMs = mediaTimeoutMs(assetId ? durationOf(app, assetId) : 3600) + 60_000;
  app.jobs.enqueue(`render:${renderId}`, (signal) => runRender(app, renderId, signal), { timeoutMs });
}

// ---- deletes (cascades)

function removeFile(path: string | null): void {
  if (!path) return;
  fs.rmSync(path, { force: true });
}

export function deleteRender(app: App, renderId: string): void {
  const r = app.store.getRender(renderId);
  if (!r) return;
  app.store.deleteRenderRow(renderId);
  app.jobs.cancel(`render:${renderId}`);
  removeFile(r.file_path);
}

export function deleteCut(app: App, cutId: string): void {
  for (const r of app.store.rendersWhere("cut_id", cutId)) deleteRender(app, r.id);
  app.store.deleteCutRow(cutId);
  app.jobs.cancel(`cut:${cutId}`);
}

export function deleteAsset(app: App, assetId: string): void {
  for (const r of app.store.rendersWhere("asset_id", assetId)) deleteRender(app, r.id);
  for (const c of app.store.cutsOfAsset(assetId)) deleteCut(app, c.id);
  app.store.deleteAssetRow(assetId);
  app.store.deleteEventsOf(assetId);
  app.jobs.cancel(`asset:${assetId}`);
  removeFile(joinInside(app.uploadsDir, assetId));
  removeFile(joinInside(app.uploadsDir, `${assetId}.json`));
}

export function deleteProject(app: App, projectId: string): void {
  for (const id of app.store.assetIdsOfProject(projectId)) deleteAsset(app, id);
  app.store.deleteProjectRow(projectId);
}

// ---- restart

/**
 * Work in flight when the sandbox stopped resumes: an upload whose bytes all landed moves on to processing;
 * preparation runs again (the charge is guarded); pending/processing cuts start over; renders in flight start
 * over from 0 % (their partial file was never renamed into place); completed cuts without a subtitle get one.
 */
export function resumeWork(app: App): void {
  for (const a of app.store.assetsInState("pending_upload")) {
    let size = -1;
    try {
      size = fs.statSync(assetMediaPath(app, a.id)).size;
    } catch {
      // no bytes yet
    }
    if (size === a.size_bytes) uploadFinished(app, a.id);
  }
  for (const a of app.store.assetsInState("processing")) startPreparation(app, a.id);
  for (const c of app.store.cutsInStates(["pending", "processing"])) {
    app.store.updateCut(c.id, { state: "pending", started_at: null });
    startCut(app, c.id);
  }
  for (const c of app.store.completedCutsWithoutCaptions()) generateCaptions(app, c.id);
  for (const r of app.store.rendersInStates(["pending", "processing"])) {
    app.store.updateRender(r.id, { state: "pending", progress: 0, started_at: null });
    startRender(app, r.id);
  }
}
