// cut_to_script on a remote (HTTP) server, where no job can outlive its request: each call (the first, then
// roughy_wait kind=job with the id it answered) carries the job forward as far as its wait bound allows and
// answers a fresh id sealed with where it got to (sealed-job.ts). Every step is read back from Roughy's own
// resources and is safe to repeat: POST /v1/cuts is idempotent on (asset, script), a render is looked up
// before one is started, exports are fetched when the answer is built. So any replica can answer any call,
// an older id still leads to the same cut and render, and nothing lives in this server's memory.
// The steps are the local job's (prepare, cut, exports, render) over the same operations; the files stay on
// the service: exports come back inline or as roughy:// resources, the render as its signed download URL.

import type { Asset, Cut, Render, RenderOutput, RoughyClient } from "../client/index.js";
import { follow } from "../progress/follow.js";
import { phaseScale, type ProgressSink } from "../progress/sink.js";
import { createCutWhenCuttable, fetchCutFile, summarizeOtio, type CutFileFormat } from "../operations/cuts.js";
import { renderOnce } from "../operations/renders.js";
import { describeError } from "../operations/describe-error.js";
import { exportUri, subtitleUri } from "../vocabulary/uris.js";
import { cutFailure, emptyDetail, notCuttable, type CutJobDetail, type CutJobExport } from "./cut-to-script.js";
import { JobStepError, type JobError, type JobSnapshot } from "./manager.js";
import type { RemoteJobs, SealedJobState } from "./sealed-job.js";

/**
 * Exports come inline (in the data and as text) while their sizes add up to this; the rest are answered as
 * their roughy:// resource only (resources/read). An answer is capped at 20,000 characters, and inline text
 * counts twice in it.
 */
export const REMOTE_INLINE_BYTES = 6_000;
/** Audio-only sources have no frame rate; frame-based formats then need one (as the local job). */
const AUDIO_FRAME_RATE = 25;
const WEIGHTS = { prepare: 30, cut: 30, exports: 5, render: 35 } as const;

export type RemoteRun = { signal: AbortSignal; sink: ProgressSink; deadline: number };

type Progressed = { progress: number; message: string };

/** A sink that also remembers the last figure, for the answer's progress field. */
function remembering(sink: ProgressSink, last: Progressed): ProgressSink {
  return {
    report(message, progress, total) {
      if (progress !== undefined) last.progress = Math.max(last.progress, total ? (progress / total) * 100 : progress);
      last.message = message;
      sink.report(message, progress, total);
    },
  };
}

/** A step's failure as the local job words it: the describer's message, the step, the next move. */
function failure(error: unknown, step: string, next: string): JobError {
  if (error instanceof JobStepError) return { step: error.step, code: error.code, message: error.message, request_id: error.requestId, next_step: error.nextStep };
  const described = describeError(error, {});
  const e = error as { code?: unknown; requestId?: unknown } | null;
  return { step, code: typeof e?.code === "string" ? e.code : "internal_error", message: described.message, request_id: typeof e?.requestId === "string" ? e.requestId : null, next_step: next };
}

/**
 * Carries the job as far as `run.deadline` and answers its snapshot, whose id is the job sealed anew. A failure
 * the agent can act on ends the job (status failed); a 5xx or network failure is logged by the caller through
 * `logInternal` and leaves the job running, so the next call retries that step.
 */
export async function advanceRemoteJob(
  client: RoughyClient,
  jobs: RemoteJobs,
  state: SealedJobState,
  run: RemoteRun,
  logInternal: (message: string, error: unknown) => void,
): Promise<JobSnapshot<CutJobDetail>> {
  const last: Progressed = { progress: 0, message: "Starting" };
  const scale = phaseScale(remembering(run.sink, last), WEIGHTS);
  const detail: CutJobDetail = emptyDetail();
  detail.asset_id = state.asset_id;
  detail.cut_id = state.cut_id;
  detail.render_id = state.render_id;
  const remaining = () => Math.max(0, run.deadline - Date.now());
  let status: JobSnapshot<CutJobDetail>["status"] = "running";
  let error: JobError | null = null;
  let step: string = state.step;

  const answer = async (): Promise<JobSnapshot<CutJobDetail>> => {
    const now = new Date().toISOString();
    const done = status !== "running";
    const sealed: SealedJobState = { ...state, step: status === "completed" ? "done" : state.step };
    return {
      id: await jobs.sealer.seal(sealed, jobs.owner),
      kind: "cut_to_script",
      status,
      step,
      progress: { progress: status === "completed" ? 100 : last.progress, total: 100, message: status === "completed" ? "Done" : last.message },
      detail,
      error,
      created_at: state.created_at,
      updated_at: now,
      finished_at: done ? now : null,
    };
  };

  if (state.step === "canceled") {
    status = "canceled";
    return answer();
  }
  try {
    // 1. The asset: prepared (and paid) before anything can be cut.
    step = "prepare";
    let asset: Asset = await client.assets.get(state.asset_id, { signal: run.signal });
    detail.project_id = asset.project_id;
    if (!state.cut_id) {
      const prepared = await follow(client, "asset", asset.id, { signal: run.signal, sink: scale.phase("prepare"), timeoutMs: remaining() });
      asset = prepared.resource;
      detail.asset_state = asset.state;
      if (prepared.timedOut) {
        if (asset.state === "pending_upload") last.message = "Waiting for the upload (run the upload_command from upload_media)";
        return await answer();
      }
      const refusal = notCuttable(asset);
      if (refusal) throw refusal;
      // 2. The cut, made once the asset is cuttable; from now on the id no longer needs the script.
      step = "cut";
      const made = await createCutWhenCuttable(client, asset.id, state.script, { signal: run.signal, deadline: run.deadline });
      state = { ...state, cut_id: made.cut.id, script: null, step: "cut" };
      detail.cut_id = made.cut.id;
      detail.cut_created = made.created;
    }
    detail.asset_state = asset.state;

    step = "cut";
    const cutSink = scale.phase("cut");
    const followed = await follow(client, "cut", state.cut_id as string, { signal: run.signal, sink: cutSink, timeoutMs: remaining() });
    const cut: Cut = followed.resource;
    detail.cut_state = cut.state;
    if (followed.timedOut) return await answer();
    if (cut.state === "failed") throw cutFailure(cut, false);

    // 3. Exports, read from the service each time the job is answered (free, and nothing to keep).
    step = "exports";
    await collectExports(client, asset, cut, state, detail, scale.phase("exports"), run);

    // 4. The render, found or started once, followed while the bound lasts.
    if (state.output !== "none") {
      step = "render";
      let render: Render;
      if (state.render_id) render = await client.renders.get(state.render_id, { signal: run.signal });
      else {
        render = (await renderOnce(client, asset.id, cut.id, state.output as RenderOutput, { signal: run.signal })).render;
        state = { ...state, render_id: render.id, step: "render" };
        detail.render_id = render.id;
      }
      const rendered = await follow(client, "render", render.id, { signal: run.signal, sink: scale.phase("render"), timeoutMs: remaining() });
      render = rendered.resource;
      detail.render_state = render.state;
      if (rendered.timedOut) return await answer();
      if (render.state !== "completed") {
        throw new JobStepError("render", render.error_code ?? `render_${render.state}`, render.error_message ?? `Render ${render.id} ended ${render.state}.`, `Start a new render with create_render asset_id=${asset.id} cut_id=${cut.id} output=${state.output}.`);
      }
      // The signed URL is fetched fresh from the render, so the answer's is always usable for its whole life.
      detail.render_url = render.download_url ?? null;
      if (render.download_url) detail.notes.push(`Download the render with: curl -fL -o ${shellWord(`${baseName(asset)}.rough-cut.${state.output}`)} ${shellWord(render.download_url)}`);
    }
    status = "completed";
    step = "done";
    return await answer();
  } catch (caught) {
    if (run.signal.aborted) throw caught;
    const described = describeError(caught, {});
    if (!(caught instanceof JobStepError) && described.internal) {
      // Roughy or the network failed, not the job: logged, and the next call tries this step again.
      logInternal(`remote cut_to_script job failed at ${step}`, caught);
      detail.notes.push(`${described.message} The job is still running: call roughy_wait again to retry this step.`);
      return await answer();
    }
    status = "failed";
    error = failure(caught, step, `Check the ids reported and retry the ${step} step with its single-step tool.`);
    return await answer();
  }
}

function baseName(asset: Asset): string {
  const name = asset.filename ? asset.filename.replace(/\.[^.]*$/, "") : `asset-${asset.id.slice(0, 8)}`;
  return name.replace(/[^\w.-]+/g, "_") || "render";
}

/** POSIX single-quoting: a URL goes into the command as data. */
function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function collectExports(client: RoughyClient, asset: Asset, cut: Cut, state: SealedJobState, detail: CutJobDetail, sink: ProgressSink, run: RemoteRun): Promise<void> {
  const isAudio = asset.media_type === "audio";
  const frameRate = state.frame_rate ?? (isAudio ? AUDIO_FRAME_RATE : null);
  const otio = await fetchCutFile(client, cut.id, "otio", { signal: run.signal });
  detail.segments = summarizeOtio(otio.content, asset.duration_seconds ?? null);
  if (isAudio && state.frame_rate === null && state.exports.some((f) => f === "edl" || f === "xmeml" || f === "fcpxml")) {
    detail.notes.push(`The source is audio only: frame-based exports use ${AUDIO_FRAME_RATE} fps (pass frame_rate to change).`);
  }
  const formats = state.exports as CutJobExport[];
  let inlineLeft = REMOTE_INLINE_BYTES;
  for (const [i, format] of formats.entries()) {
    sink.report(`Reading the ${format} export`, i, formats.length);
    const subtitle = format === "srt" || format === "vtt";
    const file =
      format === "otio" ? otio : await fetchCutFile(client, cut.id, format as CutFileFormat, { signal: run.signal, deadline: run.deadline, ...(frameRate && !subtitle ? { frameRate } : {}) });
    let uri = subtitle ? subtitleUri(cut.id, format) : exportUri(cut.id, format);
    if (!subtitle && frameRate && format !== "otio") uri += `?frame_rate=${frameRate}`;
    const bytes = Buffer.byteLength(file.content, "utf8");
    const inline = bytes <= inlineLeft;
    if (inline) inlineLeft -= bytes;
    detail.exports.push({ format, path: uri, bytes, text: inline ? file.content : null });
  }
  sink.report(formats.length ? `Read ${formats.length} export(s)` : "No exports asked for", 1, 1);
}

/** Stops a remote job: cancels its render if unfinished, deletes its cut if unfinished (as the local job's cancel). */
export async function cancelRemoteJob(client: RoughyClient, jobs: RemoteJobs, state: SealedJobState, signal: AbortSignal): Promise<JobSnapshot<CutJobDetail>> {
  const detail = emptyDetail();
  detail.asset_id = state.asset_id;
  detail.cut_id = state.cut_id;
  detail.render_id = state.render_id;
  if (state.render_id) {
    const render = await client.renders.get(state.render_id, { signal });
    detail.render_state = render.state;
    if (render.state !== "completed" && render.state !== "failed" && render.state !== "canceled") {
      detail.render_state = (await client.renders.cancel(render.id, { signal }).catch(() => render)).state;
      detail.notes.push(`Canceled the render ${render.id}.`);
    }
  }
  if (state.cut_id) {
    const cut = await client.cuts.get(state.cut_id, { signal });
    detail.cut_state = cut.state;
    if (cut.state !== "completed" && cut.state !== "failed") {
      // Do not leave an unfinished cut behind; a finished one is kept (it cost nothing and may be wanted).
      await client.cuts.delete(cut.id, { signal }).catch(() => {});
      detail.notes.push(`Deleted the unfinished cut ${cut.id}.`);
    }
  }
  const now = new Date().toISOString();
  return {
    id: await jobs.sealer.seal({ ...state, step: "canceled" }, jobs.owner),
    kind: "cut_to_script",
    status: "canceled",
    step: state.step,
    progress: { progress: 0, total: 100, message: "Canceled" },
    detail,
    error: null,
    created_at: state.created_at,
    updated_at: now,
    finished_at: now,
  };
}
