// The composite job behind the cut_to_script tool: upload → wait until cuttable → cut → exports saved as
// files → render → download. Each step records its ids the moment they are known, so an agent can always
// pick up by hand; a failure names the step, the API code and what to do next; cancel stops the work and
// removes what is half-made on the service (an in-flight render is canceled, an unfinished cut deleted)
// but keeps a partial upload, which is resumable and costs nothing until it completes.

import { promises as fs } from "node:fs";
import path from "node:path";
import type { Asset, Cut, Render, RoughyClient } from "../client/index.js";
import type { FileAccess } from "../files/allowed-dirs.js";
import { follow } from "../progress/follow.js";
import { phaseScale } from "../progress/sink.js";
import { describeError } from "../operations/describe-error.js";
import { findOrCreateProject } from "../operations/projects.js";
import { createCutWhenCuttable, fetchCutFile, summarizeOtio, type SegmentSummary } from "../operations/cuts.js";
import { downloadRenderTo, freeName, saveUnderFreeName } from "../operations/save-file.js";
import { JobStepError, type JobContext } from "./manager.js";
import { linkExport, rememberMediaPath } from "../exports/link-media.js";

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
  exports: { format: CutJobExport; path: string; bytes: number }[];
  render_id: string | null;
  render_state: string | null;
  render_path: string | null;
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
      const upload = await step(
        "upload",
        (code) =>
          code === "payload_too_large"
            ? "The file is too large for the API: trim it first."
            : "Call cut_to_script again with the same file: the upload resumes where it stopped.",
        () =>
          client.uploads.uploadFile({
            path: readPath,
            identity: sourcePath,
            projectId: projectId as string,
            filename: path.basename(sourcePath),
            ...(input.language ? { language: input.language } : {}),
            signal,
            onAssetCreated: (created: Asset) => record({ asset_id: created.id, asset_state: created.state }),
            onProgress: (sent: number, bytesTotal: number) => {
              const t = bytesTotal || total;
              uploadSink.report(`Uploading ${formatBytes(sent)} of ${formatBytes(t)} (${Math.floor((sent / Math.max(1, t)) * 100)}%)`, sent, t);
              record({ upload: { bytes_sent: sent, bytes_total: t, resumed: ctx.detail().upload?.resumed ?? false, bytes_skipped: ctx.detail().upload?.bytes_skipped ?? 0 } });
            },
          }),
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

    // 2. Wait until the asset is cuttable (prepared and paid).
    record({}, "prepare");
    const prepared = await follow(client, "asset", asset.id, { signal, sink: scale.phase("prepare") });
    asset = prepared.resource;
    record({ asset_state: asset.state });
    if (asset.state === "pending_payment") {
      throw new JobStepError(
        "prepare",
        "asset_payment_required",
        `Asset ${asset.id} is prepared but the credit balance does not cover its charge.`,
        `Top up credits (check with get_credits), then call cut_to_script with asset_id=${asset.id}.`,
      );
    }
    if (asset.state === "failed") {
      throw new JobStepError(
        "prepare",
        asset.error_code ?? "asset_failed",
        asset.error_message ?? `Asset ${asset.id} failed to prepare.`,
        "Check that the file is a playable video or audio file, then upload it again.",
      );
    }

    // 3. The cut. POST /v1/cuts is idempotent on (asset, script): a rerun reuses a finished cut for free.
    abortIfNeeded(signal);
    record({}, "cut");
    const cutSink = scale.phase("cut");
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
    let cut: Cut = created.cut;
    record({ cut_id: cut.id, cut_state: cut.state, cut_created: created.created });
    if (cut.state !== "completed") {
      cleanup = async () => {
        // The user canceled before the cut finished: do not leave an unfinished cut behind.
        await client.cuts.delete(cut.id).catch(() => {});
        note(`Deleted the unfinished cut ${cut.id}.`);
      };
    }
    const followed = await follow(client, "cut", cut.id, { signal, sink: cutSink });
    cut = followed.resource;
    cleanup = undefined;
    record({ cut_state: cut.state });
    if (cut.state === "completed") input.onCutCompleted?.(cut.id);
    if (cut.state === "failed") {
      throw new JobStepError(
        "cut",
        cut.error_code ?? "cut_failed",
        cut.error_message ?? `Cut ${cut.id} failed.`,
        `Call cut_to_script again with asset_id=${asset.id} to start a fresh attempt${input.script ? ", or try without a script" : ""}.`,
      );
    }

    // 4. Exports, saved as files. The OTIO export is also the segment list, so it is read even when not asked for.
    record({}, "exports");
    const exportSink = scale.phase("exports");
    const isAudio = asset.media_type === "audio";
    const frameRate = input.frameRate ?? (isAudio ? AUDIO_FRAME_RATE : undefined);
    const wanted = [...new Set(input.exports)];
    const otio = await step(
      "exports",
      () => `Fetch it with export_cut cut_id=${cut.id} format=otio.`,
      () => fetchCutFile(client, cut.id, "otio", { signal }),
      signal,
    );
    record({ segments: summarizeOtio(otio.content, asset.duration_seconds ?? null) });
    if (isAudio && !input.frameRate && wanted.some((f) => f === "edl" || f === "xmeml" || f === "fcpxml")) {
      note(`The source is audio only: frame-based exports use ${AUDIO_FRAME_RATE} fps (pass frame_rate to change).`);
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
        if (!linked.media.linked && linked.media.note && format !== "edl") note(`${format}: ${linked.media.note}`);
      }
      const target = await saveUnderFreeName(input.files, input.outputDir, input.baseName, `rough-cut.${EXPORT_EXTENSIONS[format]}`, content, "output_dir");
      saved.push({ format, path: target, bytes: Buffer.byteLength(content) });
      record({ exports: [...saved] });
    }
    exportSink.report(wanted.length ? `Saved ${wanted.length} export file(s)` : "No exports asked for", 1, 1);

    // 5. Render and download.
    if (input.output === "none") return;
    abortIfNeeded(signal);
    record({}, "render");
    const renderSink = scale.phase("render");
    const output = input.output;
    let render: Render = await step(
      "render",
      () => `Start it by hand with create_render asset_id=${asset.id} cut_id=${cut.id} output=${output}.`,
      () => client.renders.create({ asset_id: asset.id, cut_id: cut.id, output }, { signal }),
      signal,
    );
    record({ render_id: render.id, render_state: render.state });
    const renderId = render.id;
    cleanup = async () => {
      // Canceled mid-render: stop the render on the service too (it may already be terminal: ignore 409).
      await client.renders.cancel(renderId).catch(() => {});
      note(`Canceled the render ${renderId}.`);
    };
    const rendered = await follow(client, "render", render.id, { signal, sink: renderSink });
    render = rendered.resource;
    cleanup = undefined;
    record({ render_state: render.state });
    if (render.state !== "completed") {
      throw new JobStepError(
        "render",
        render.error_code ?? (render.state === "canceled" ? "render_canceled" : "render_failed"),
        render.error_message ?? `Render ${render.id} ended ${render.state}.`,
        `Start a new render with create_render asset_id=${asset.id} cut_id=${cut.id} output=${output}.`,
      );
    }

    record({}, "download");
    const downloadSink = scale.phase("download");
    const target = await freeName(input.files, input.outputDir, input.baseName, `rough-cut.${output}`, "output_dir");
    const { bytes } = await step(
      "download",
      () => `Download it with download_render render_id=${render.id} (the signed URL is refreshed on each read).`,
      () =>
        downloadRenderTo(client, input.files, render, target, {
          overwrite: false,
          signal,
          onProgress: (received, totalBytes) => downloadSink.report(`Downloading ${formatBytes(received)}`, received, totalBytes || undefined),
        }),
      signal,
    );
    record({ render_path: target, render_bytes: bytes });
  } catch (error) {
    if (signal.aborted && cleanup) await cleanup();
    throw error;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
