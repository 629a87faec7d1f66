// The composite job behind the cut_to_script tool: upload → wait until cuttable → cut → exports saved as
// files → render → download. Each step records its ids the moment they are known, so an agent can always
// pick up by hand; a failure names the step, the API code and what to do next; cancel stops the work and
// removes what is half-made on the service (an in-flight render is canceled, an unfinished cut deleted)
// but keeps a partial upload, which is resumable and costs nothing until it completes.

import { promises as fs } from "node:fs";
import path from "node:path";
import type { Asset, Cut, Render, RenderOutput, RoughyClient } from "../client/index.js";
import type { FileAccess } from "../files/allowed-dirs.js";
import { follow } from "../progress/follow.js";
import { phaseScale } from "../progress/sink.js";
import { describeError } from "../operations/describe-error.js";
import { findOrCreateProject } from "../operations/projects.js";
import { createCutWhenCuttable, fetchCutFile, summarizeOtio, type SegmentSummary } from "../operations/cuts.js";
import { downloadRenderTo, freeName, saveUnderFreeName } from "../operations/save-file.js";
import { JobStepError, type JobContext } from "./manager.js";
import { linkExport, rememberMediaPath } from "../exports/link-media.js";
import { uploadsFor } from "../operations/upload.js";

export type { SegmentSummary };

export const CUT_EXPORT_FORMATS = ["edl", "xmeml", "fcpxml", "otio"] as const;
export const CUT_SUBTITLE_FORMATS = ["srt", "vtt"] as const;
export type CutJobExport = (typeof CUT_EXPORT_FORMATS)[number] | (typeof CUT_SUBTITLE_FORMATS)[number];
export type CutJobOutput = "mp4" | "mov" | "m4a" | "mp3" | "none";

export const DEFAULT_EXPORTS: readonly CutJobExport[] = ["xmeml", "srt"];
export const DEFAULT_OUTPUT: CutJobOutput = "mp4";

/** File extensions for the saved exports: what an editor expects to open. */
export const EXPORT_EXTENSIONS: Readonly<Record<CutJobExport, string>> = {
  edl: "edl",
  xmeml: "xml",
  fcpxml: "fcpxml",
  otio: "otio",
  srt: "srt",
  vtt: "vtt",
};

/** Audio-only sources have no frame rate; frame-based formats then need one. 25 is the PAL/EBU default. */
const AUDIO_FRAME_RATE = 25;

export type CutJobInput = {
  /** An absolute, already access-checked path to a local media file; or assetId. */
  sourcePath?: string;
  /** Where to read the source from: the file opened and checked by the tool (see FileAccess.openReadable). */
  sourceReadPath?: string;
  assetId?: string;
  projectId?: string;
  projectName?: string;
  script?: string | null;
  exports: readonly CutJobExport[];
  output: CutJobOutput;
  /** An absolute, already access-checked directory to write into. */
  outputDir: string;
  /** Writes go through the file-access module: temp name, then a no-clobber move. */
  files: FileAccess;
  /** The base of the output file names (without extension). */
  baseName: string;
  language?: string;
  frameRate?: number;
  /** Told when the cut completes (its exports then appear in resources/list). */
  onCutCompleted?: (cutId: string) => void;
};

export type CutJobDetail = {
  project_id: string | null;
  project_created: boolean;
  asset_id: string | null;
  asset_state: string | null;
  upload: { bytes_sent: number; bytes_total: number; resumed: boolean; bytes_skipped: number } | null;
  cut_id: string | null;
  cut_state: string | null;
  cut_created: boolean | null;
  segments: SegmentSummary | null;
  /** Remote jobs: `path` is the roughy:// resource, and `text` the file itself when small. */
  exports: { format: CutJobExport; path: string; bytes: number; text?: string | null }[];
  render_id: string | null;
  render_state: string | null;
  render_path: string | null;
  /** Remote jobs: the finished render's signed download URL (no key needed). */
  render_url: string | null;
  render_bytes: number | null;
  notes: string[];
};

export function emptyDetail(): CutJobDetail {
  return {
    project_id: null,
    project_created: false,
    asset_id: null,
    asset_state: null,
    upload: null,
    cut_id: null,
    cut_state: null,
    cut_created: null,
    segments: null,
    exports: [],
    render_id: null,
    render_state: null,
    render_path: null,
    render_url: null,
    render_bytes: null,
    notes: [],
  };
}

/** Relative wall time of each step, for the job's single 0..100 bar (see phaseScale). */
const WEIGHTS_WITH_UPLOAD = { upload: 35, prepare: 20, cut: 15, exports: 5, render: 20, download: 5 } as const;

function abortIfNeeded(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new Error("aborted");
}

/**
 * Wraps a step so that a failure becomes a JobStepError naming the step and the next move, with the message
 * the tools' describer gives (a 5xx or network failure: the generic line, logged by the manager).
 */
async function step<T>(name: string, nextStep: (code: string) => string, fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (signal.aborted || error instanceof JobStepError) throw error;
    const e = error as { code?: unknown; requestId?: unknown } | null;
    const code = typeof e?.code === "string" ? e.code : "internal_error";
    const described = describeError(error, {});
    const requestId = typeof e?.requestId === "string" ? e.requestId : null;
    throw new JobStepError(name, code, described.message, nextStep(code), requestId, described.internal, { cause: error });
  }
}

export async function runCutToScript(client: RoughyClient, input: CutJobInput, ctx: JobContext<CutJobDetail>): Promise<void> {
  const { signal } = ctx;
  const scale = phaseScale(ctx.sink, WEIGHTS_WITH_UPLOAD);
  const record = (detail: Partial<CutJobDetail>, stepName?: string) =>
    ctx.update(stepName ? { step: stepName, detail } : { detail });
  const note = (text: string) => record({ notes: [...ctx.detail().notes, text] });

  let cleanup: (() => Promise<void>) | undefined;
  try {
    // 1. The asset: upload the file, or use the one given.
    let asset: Asset;
    if (input.sourcePath) {
      const sourcePath = input.sourcePath;
      let projectId = input.projectId ?? null;
      if (!projectId) {
        record({}, "project");
        const name = input.projectName ?? input.baseName;
        // Reuse a project of that name: a rerun after a cancel then resumes its upload in the same place.
        const found = await step(
          "project",
          () => "Pass an existing project_id instead, or retry.",
          () => findOrCreateProject(client, name, { signal, description: "Created by roughy-mcp cut_to_script" }),
          signal,
        );
        projectId = found.project.id;
        record({ project_id: found.project.id, project_created: found.created });
      } else {
        record({ project_id: projectId });
      }
      const uploadSink = scale.phase("upload");
      record({}, "upload");
      uploadSink.report("Uploading");
      const readPath = input.sourceReadPath ?? sourcePath;
      const stat = await fs.stat(readPath);
      const total = stat.size;
      // The same background transfer as upload_media's (src/operations/upload.ts), followed to its end here.
      const uploads = uploadsFor(client);
      const source = { readPath, identity: sourcePath, size: total, mtimeMs: stat.mtimeMs, filename: path.basename(sourcePath) };
      const onBytes = (sent: number, bytesTotal: number) => {
        const t = bytesTotal || total;
        uploadSink.report(`Uploading ${formatBytes(sent)} of ${formatBytes(t)} (${Math.floor((sent / Math.max(1, t)) * 100)}%)`, sent, t);
        record({ upload: { bytes_sent: sent, bytes_total: t, resumed: ctx.detail().upload?.resumed ?? false, bytes_skipped: ctx.detail().upload?.bytes_skipped ?? 0 } });
      };
      const upload = await step(
        "upload",
        (code) =>
          code === "payload_too_large"
            ? "The file is too large for the API: trim it first."
            : "Call cut_to_script again with the same file: the upload resumes where it stopped.",
        async () => {
          const started = await uploads.start(source, { projectId: projectId as string, ...(input.language ? { language: input.language } : {}) }, signal);
          record({ asset_id: started.assetId, asset_state: "pending_upload" });
          let ended;
          try {
            ended = await uploads.follow(started.assetId, { signal, timeoutMs: Infinity, sink: { report: (_m, sent, t) => sent !== undefined && onBytes(sent, t ?? total) } });
          } catch (error) {
            // A canceled job stops its transfer; the bytes sent stay on the service, and a rerun resumes them.
            if (signal.aborted) await uploads.stop(started.assetId);
            throw error;
          }
          if (!ended || !ended.asset) throw ended?.error ?? new Error(`the upload of asset ${started.assetId} ended without its asset`);
          return { asset: ended.asset, resumed: ended.resumed, bytesSkipped: ended.bytesSkipped ?? 0 };
        },
        signal,
      );
      asset = upload.asset;
      await rememberMediaPath(asset.id, sourcePath);
      record({
        asset_id: asset.id,
        asset_state: asset.state,
        upload: { bytes_sent: total, bytes_total: total, resumed: upload.resumed, bytes_skipped: upload.bytesSkipped },
      });
      uploadSink.report(upload.resumed ? `Upload resumed and finished (${formatBytes(upload.bytesSkipped)} skipped)` : "Upload finished", total, total);
    } else {
      const assetId = input.assetId as string;
      record({ asset_id: assetId }, "prepare");
      asset = await step("prepare", () => "Check the asset_id with roughy_list kind=assets.", () => client.assets.get(assetId, { signal }), signal);
      record({ project_id: asset.project_id, asset_state: asset.state });
      if (asset.state === "pending_upload") {
        throw new JobStepError(
          "prepare",
          "asset_not_ready",
          `Asset ${asset.id} is still waiting for its upload.`,
          "Finish the upload with upload_media (it resumes), then call cut_to_script with this asset_id.",
        );
      }
    }

    // 2..5: the steps that follow, each over the operations, in order.
    const run: Run = { client, input, ctx, signal, scale, record, note, asset, cut: null, render: null, cleanup: undefined };
    try {
      for (const next of STEPS_AFTER_UPLOAD) {
        abortIfNeeded(signal);
        if (!(await next(run))) return;
      }
    } finally {
      cleanup = run.cleanup;
    }
  } catch (error) {
    if (signal.aborted && cleanup) await cleanup();
    throw error;
  }
}

type Phase = keyof typeof WEIGHTS_WITH_UPLOAD;

/** What the steps after the upload share: the job's context, and what each step made for the next. */
type Run = {
  client: RoughyClient;
  input: CutJobInput;
  ctx: JobContext<CutJobDetail>;
  signal: AbortSignal;
  scale: ReturnType<typeof phaseScale<Phase>>;
  record: (detail: Partial<CutJobDetail>, stepName?: string) => void;
  note: (text: string) => void;
  asset: Asset;
  cut: Cut | null;
  render: Render | null;
  /** Undoes what the running step half-made on the service, if the job is canceled now. */
  cleanup: (() => Promise<void>) | undefined;
};

/** A step answers whether the job goes on (false: it is done early, e.g. no render asked for). */
type Step = (run: Run) => Promise<boolean>;

const STEPS_AFTER_UPLOAD: readonly Step[] = [prepareStep, cutStep, exportsStep, renderStep, downloadStep];

/** Why a prepared asset cannot be cut, as the job's failure (null when it can): shared with the remote job. */
export function notCuttable(asset: Asset): JobStepError | null {
  if (asset.state === "pending_payment") {
    return new JobStepError(
      "prepare",
      "asset_payment_required",
      `Asset ${asset.id} is prepared but the credit balance does not cover its charge.`,
      `Top up credits (check with get_credits), then call cut_to_script with asset_id=${asset.id}.`,
    );
  }
  if (asset.state === "failed") {
    return new JobStepError(
      "prepare",
      asset.error_code ?? "asset_failed",
      asset.error_message ?? `Asset ${asset.id} failed to prepare.`,
      "Check that the file is a playable video or audio file, then upload it again.",
    );
  }
  return null;
}

/** A failed cut as the job's failure: shared with the remote job. */
export function cutFailure(cut: Cut, withScript: boolean): JobStepError {
  return new JobStepError(
    "cut",
    cut.error_code ?? "cut_failed",
    cut.error_message ?? `Cut ${cut.id} failed.`,
    `Call cut_to_script again with asset_id=${cut.asset_id} to start a fresh attempt${withScript ? ", or try without a script" : ""}.`,
  );
}

/** 2. Wait until the asset is cuttable (prepared and paid). */
async function prepareStep(run: Run): Promise<boolean> {
  run.record({}, "prepare");
  run.asset = (await follow(run.client, "asset", run.asset.id, { signal: run.signal, sink: run.scale.phase("prepare") })).resource;
  run.record({ asset_state: run.asset.state });
  const refusal = notCuttable(run.asset);
  if (refusal) throw refusal;
  return true;
}

/** 3. The cut. POST /v1/cuts is idempotent on (asset, script): a rerun reuses a finished cut for free. */
async function cutStep(run: Run): Promise<boolean> {
  const { client, input, signal, asset } = run;
  run.record({}, "cut");
  const cutSink = run.scale.phase("cut");
  cutSink.report(input.script ? "Starting the cut to your script" : "Starting a scriptless cut");
  const created = await step(
    "cut",
    (code) =>
      code === "asset_processing"
        ? `The asset is still preparing: call cut_to_script again with asset_id=${asset.id} in a minute.`
        : code === "asset_payment_required"
          ? `Top up credits, then call cut_to_script with asset_id=${asset.id}.`
          : `Retry with cut_to_script asset_id=${asset.id}.`,
    () => createCutWhenCuttable(client, asset.id, input.script ?? null, { signal }),
    signal,
  );
  const made = created.cut;
  run.record({ cut_id: made.id, cut_state: made.state, cut_created: created.created });
  if (made.state !== "completed") {
    run.cleanup = async () => {
      // The user canceled before the cut finished: do not leave an unfinished cut behind.
      await client.cuts.delete(made.id).catch(() => {});
      run.note(`Deleted the unfinished cut ${made.id}.`);
    };
  }
  const cut = (await follow(client, "cut", made.id, { signal, sink: cutSink })).resource;
  run.cleanup = undefined;
  run.cut = cut;
  run.record({ cut_state: cut.state });
  if (cut.state === "completed") input.onCutCompleted?.(cut.id);
  if (cut.state === "failed") throw cutFailure(cut, Boolean(input.script));
  return true;
}

/** 4. Exports, saved as files. The OTIO export is also the segment list, so it is read even when not asked for. */
async function exportsStep(run: Run): Promise<boolean> {
  const { client, input, signal, asset } = run;
  const cut = run.cut as Cut;
  run.record({}, "exports");
  const exportSink = run.scale.phase("exports");
  const isAudio = asset.media_type === "audio";
  const frameRate = input.frameRate ?? (isAudio ? AUDIO_FRAME_RATE : undefined);
  const wanted = [...new Set(input.exports)];
  const otio = await step(
    "exports",
    () => `Fetch it with export_cut cut_id=${cut.id} format=otio.`,
    () => fetchCutFile(client, cut.id, "otio", { signal }),
    signal,
  );
  run.record({ segments: summarizeOtio(otio.content, asset.duration_seconds ?? null) });
  if (isAudio && !input.frameRate && wanted.some((f) => f === "edl" || f === "xmeml" || f === "fcpxml")) {
    run.note(`The source is audio only: frame-based exports use ${AUDIO_FRAME_RATE} fps (pass frame_rate to change).`);
  }
  const saved: CutJobDetail["exports"] = [];
  for (const [i, format] of wanted.entries()) {
    abortIfNeeded(signal);
    exportSink.report(`Saving the ${format} export`, i, wanted.length);
    const file =
      format === "otio"
        ? otio
        : await step(
            "exports",
            () => `Fetch it later with export_cut cut_id=${cut.id} format=${format}.`,
            () => fetchCutFile(client, cut.id, format, { signal, ...(frameRate ? { frameRate } : {}) }),
            signal,
          );
    let content = file.content;
    if (format !== "srt" && format !== "vtt") {
      // Saved next to the source, so it points at the source; an asset uploaded elsewhere gets the note.
      const linked = await linkExport({ format, body: content, assetId: asset.id, mediaPath: input.sourcePath });
      content = linked.body;
      if (!linked.media.linked && linked.media.note && format !== "edl") run.note(`${format}: ${linked.media.note}`);
    }
    const target = await saveUnderFreeName(input.files, input.outputDir, input.baseName, `rough-cut.${EXPORT_EXTENSIONS[format]}`, content, "output_dir");
    saved.push({ format, path: target, bytes: Buffer.byteLength(content) });
    run.record({ exports: [...saved] });
  }
  exportSink.report(wanted.length ? `Saved ${wanted.length} export file(s)` : "No exports asked for", 1, 1);
  return run.input.output !== "none";
}

/** 5a. The render, followed to its end; a cancel meanwhile cancels it on the service too. */
async function renderStep(run: Run): Promise<boolean> {
  const { client, signal, asset } = run;
  const cut = run.cut as Cut;
  const output = run.input.output as RenderOutput;
  run.record({}, "render");
  const renderSink = run.scale.phase("render");
  const started: Render = await step(
    "render",
    () => `Start it by hand with create_render asset_id=${asset.id} cut_id=${cut.id} output=${output}.`,
    () => client.renders.create({ asset_id: asset.id, cut_id: cut.id, output }, { signal }),
    signal,
  );
  run.record({ render_id: started.id, render_state: started.state });
  run.cleanup = async () => {
    // Canceled mid-render: stop the render on the service too (it may already be terminal: ignore 409).
    await client.renders.cancel(started.id).catch(() => {});
    run.note(`Canceled the render ${started.id}.`);
  };
  const render = (await follow(client, "render", started.id, { signal, sink: renderSink })).resource;
  run.cleanup = undefined;
  run.render = render;
  run.record({ render_state: render.state });
  if (render.state !== "completed") {
    throw new JobStepError(
      "render",
      render.error_code ?? (render.state === "canceled" ? "render_canceled" : "render_failed"),
      render.error_message ?? `Render ${render.id} ended ${render.state}.`,
      `Start a new render with create_render asset_id=${asset.id} cut_id=${cut.id} output=${output}.`,
    );
  }
  return true;
}

/** 5b. The render's file, beside the exports under a free name. */
async function downloadStep(run: Run): Promise<boolean> {
  const { input, signal } = run;
  const render = run.render as Render;
  run.record({}, "download");
  const downloadSink = run.scale.phase("download");
  const target = await freeName(input.files, input.outputDir, input.baseName, `rough-cut.${render.output}`, "output_dir");
  const { bytes } = await step(
    "download",
    () => `Download it with download_render render_id=${render.id} (the signed URL is refreshed on each read).`,
    () =>
      downloadRenderTo(run.client, input.files, render, target, {
        overwrite: false,
        signal,
        onProgress: (received, totalBytes) => downloadSink.report(`Downloading ${formatBytes(received)}`, received, totalBytes || undefined),
      }),
    signal,
  );
  run.record({ render_path: target, render_bytes: bytes });
  return true;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
