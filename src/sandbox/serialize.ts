// Rows to the API's resources, in one place: the field lists of roughy-api.md ([inferred] asset and render
// fields, [doc] cut fields), computed flags (cuttable, renderable), and signed, short-lived download URLs.
import type { MediaInfo } from "./media/types.js";
import type { App } from "./app.js";
import { signPath } from "./signing.js";
import type { AssetRow, CutRow, LedgerRow, ProjectRow, RenderRow, WebhookRow } from "./store/db.js";

export function projectView(p: ProjectRow) {
  return { id: p.id, name: p.name, description: p.description, created_at: p.created_at };
}

/**
 * The TUS transfer URL of an asset (absolute). Signed when the sandbox is told to (the keyless demo): the
 * signature covers this one asset's path and expires, so the URL lets its holder send this file and nothing else.
 */
export function uploadUrl(app: App, assetId: string): string {
  const path = `/v1/uploads/${assetId}`;
  if (app.uploadUrlTtlSeconds === null) return `${app.baseUrl}${path}`;
  return app.baseUrl + signPath(path, app.signingSecret, new Date(Date.now() + app.uploadUrlTtlSeconds * 1000));
}

export function signedUrl(app: App, path: string): { url: string; expiresAt: string } {
  const expires = new Date(Date.now() + app.downloadTtlSeconds * 1000);
  return { url: app.baseUrl + signPath(path, app.signingSecret, expires), expiresAt: new Date(Math.floor(expires.getTime() / 1000) * 1000).toISOString() };
}

export function assetView(app: App, a: AssetRow, opts: { detail?: boolean } = {}) {
  const uploaded = a.state !== "pending_upload";
  return {
    id: a.id,
    project_id: a.project_id,
    filename: a.filename,
    media_type: a.media_type,
    state: a.state,
    size_bytes: a.size_bytes,
    language: a.language,
    duration_seconds: a.duration_seconds,
    cuttable: a.state === "ready",
    renderable: a.state === "ready",
    upload_url: a.state === "pending_upload" ? uploadUrl(app, a.id) : null,
    // Detail only [inferred]: a list would mint a signature per item for URLs nobody asked for.
    download_url: opts.detail && uploaded ? signedUrl(app, `/downloads/assets/${a.id}`).url : null,
    error_code: a.error_code,
    error_message: a.error_message,
    created_at: a.created_at,
    ready_at: a.ready_at,
    ...audioFields(a.info_json),
  };
}

/**
 * Extra fields of the sandbox (README "Audio streams"): every audio stream the probe found, and which one cuts
 * listen to. Null until the asset is prepared.
 */
function audioFields(infoJson: string | null) {
  const info = infoJson ? (JSON.parse(infoJson) as MediaInfo) : null;
  return {
    audio_streams: info ? (info.audio_streams ?? []).map((s) => ({ index: s.index, codec: s.codec, channels: s.channels, sample_rate: s.sample_rate, language: s.language })) : null,
    speech_stream: info ? (info.speech_stream ?? null) : null,
  };
}

export function cutView(c: CutRow) {
  return {
    id: c.id,
    asset_id: c.asset_id,
    state: c.state,
    script: c.script,
    error_code: c.error_code,
    error_message: c.error_message,
    created_at: c.created_at,
    started_at: c.started_at,
    completed_at: c.completed_at,
    // sandbox extension: how a completed cut fell back (e.g. language_unsupported, recognition_degraded)
    ...(c.warnings_json ? { warnings: JSON.parse(c.warnings_json) as Array<{ code: string; message: string }> } : {}),
  };
}

export function renderView(app: App, r: RenderRow) {
  const signed = r.state === "completed" && r.file_path ? signedUrl(app, `/downloads/renders/${r.id}`) : null;
  return {
    id: r.id,
    asset_id: r.asset_id,
    cut_id: r.cut_id,
    output: r.output,
    state: r.state,
    progress: r.progress,
    download_url: signed?.url ?? null,
    download_expires_at: signed?.expiresAt ?? null,
    error_code: r.error_code,
    error_message: r.error_message,
    created_at: r.created_at,
    started_at: r.started_at,
    completed_at: r.completed_at,
  };
}

export function ledgerView(l: LedgerRow) {
  return { id: l.id, kind: l.kind, amount: l.amount, asset_id: l.asset_id, minutes: l.minutes, balance_after: l.balance_after, created_at: l.created_at };
}

export function webhookView(w: WebhookRow, opts: { withSecret?: boolean } = {}) {
  const view: { id: string; url: string; events: string[]; created_at: string; secret?: string } = {
    id: w.id,
    url: w.url,
    events: JSON.parse(w.events_json) as string[],
    created_at: w.created_at,
  };
  // The secret is shown once, at create [inferred].
  if (opts.withSecret) view.secret = w.secret;
  return view;
}
