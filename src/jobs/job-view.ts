// How a cut_to_script job is shown to an agent: one output schema shared by cut_to_script and wait, and
// one summary line that always ends with the next step. Kept beside the job so that a new field in the
// job's record and its schema change together.

import { z } from "zod";
import type { CutJobDetail } from "./cut-to-script.js";
import type { JobSnapshot } from "./manager.js";

const segment = z.object({ start: z.number(), end: z.number() });

export const jobOutput = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(["running", "completed", "failed", "canceled"]),
  step: z.string(),
  progress: z.object({ progress: z.number(), total: z.number(), message: z.string() }),
  error: z
    .object({ step: z.string(), code: z.string(), message: z.string(), request_id: z.string().nullable().optional(), next_step: z.string() })
    .nullable(),
  project_id: z.string().nullable(),
  asset_id: z.string().nullable(),
  asset_state: z.string().nullable(),
  upload: z.object({ bytes_sent: z.number(), bytes_total: z.number(), resumed: z.boolean(), bytes_skipped: z.number() }).nullable(),
  cut_id: z.string().nullable(),
  cut_state: z.string().nullable(),
  segments: z
    .object({
      count: z.number(),
      kept_seconds: z.number(),
      source_seconds: z.number().nullable(),
      kept_ratio: z.number().nullable(),
      first: z.array(segment),
    })
    .nullable(),
  exports: z.array(z.object({ format: z.string(), path: z.string(), bytes: z.number(), text: z.string().nullable().optional() })),
  render_id: z.string().nullable(),
  render_state: z.string().nullable(),
  render_path: z.string().nullable(),
  render_url: z.string().nullable(),
  render_bytes: z.number().nullable(),
  notes: z.array(z.string()),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type JobOutput = z.infer<typeof jobOutput>;

export function jobToOutput(job: JobSnapshot<CutJobDetail>): JobOutput {
  const d = job.detail;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    step: job.step,
    progress: { ...job.progress, progress: Math.round(job.progress.progress * 10) / 10 },
    error: job.error,
    project_id: d.project_id,
    asset_id: d.asset_id,
    asset_state: d.asset_state,
    upload: d.upload,
    cut_id: d.cut_id,
    cut_state: d.cut_state,
    segments: d.segments,
    exports: d.exports,
    render_id: d.render_id,
    render_state: d.render_state,
    render_path: d.render_path,
    render_url: d.render_url,
    render_bytes: d.render_bytes,
    notes: d.notes,
    created_at: job.created_at,
    finished_at: job.finished_at,
  };
}

function ids(d: CutJobDetail): string {
  const parts = [
    d.asset_id && `asset_id=${d.asset_id}`,
    d.cut_id && `cut_id=${d.cut_id}`,
    d.render_id && `render_id=${d.render_id}`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** One paragraph for the agent; the last sentence is the next step. */
/** What to call next for a job, as a field of every answer about it (and the end of its summary). */
export function jobNextStep(job: JobSnapshot<CutJobDetail>): string {
  const d = job.detail;
  switch (job.status) {
    case "running":
      return `call roughy_wait with kind=job, id=${job.id}.`;
    case "completed":
      if (d.render_url || d.exports.some((e) => e.text !== undefined)) {
        return `save the inline exports (read larger ones by their roughy:// uri) and download render_url${d.render_url ? " (the curl line above)" : ""}, or call create_cut with asset_id=${d.asset_id} and a different script.`;
      }
      return `open the files in an editor, or call create_cut with asset_id=${d.asset_id} and a different script to try another cut.`;
    case "failed":
      return job.error?.next_step ?? "retry";
    case "canceled":
      return "call cut_to_script again to restart it, or use the single-step tools with the ids above.";
  }
}

export function jobSummary(job: JobSnapshot<CutJobDetail>): string {
  const d = job.detail;
  const next = `Next: ${jobNextStep(job)}`;
  switch (job.status) {
    case "running":
      return `Job ${job.id} is running: ${job.step}, ${Math.round(job.progress.progress)}% (${job.progress.message})${ids(d)}. ${next}`;
    case "completed": {
      const seg = d.segments;
      const cut = seg
        ? `The cut keeps ${seg.count} segment(s), ${seg.kept_seconds.toFixed(1)} s${seg.source_seconds ? ` of ${seg.source_seconds.toFixed(1)} s` : ""}.`
        : "The cut is done.";
      const files = [...d.exports.map((e) => e.path), ...(d.render_path ? [d.render_path] : [])];
      // A remote job saves nothing: its exports are resources (inline in the data when small).
      const remote = d.render_url !== null || d.exports.some((e) => e.text !== undefined);
      const saved = files.length ? ` ${remote ? "Exports" : "Saved"}: ${files.join(", ")}.` : "";
      const notes = d.notes.length ? ` ${d.notes.join(" ")}` : "";
      return `Job ${job.id} completed${ids(d)}. ${cut}${saved}${notes} ${next}`;
    }
    case "failed": {
      const e = job.error;
      const req = e?.request_id ? ` (request id ${e.request_id})` : "";
      return `Job ${job.id} failed at ${e?.step ?? job.step}: ${e?.code ?? "error"}: ${e?.message ?? "unknown error"}${req}${ids(d)}. ${next}`;
    }
    case "canceled": {
      const notes = d.notes.length ? ` ${d.notes.join(" ")}` : "";
      const resume =
        d.asset_state === "pending_upload" || (d.upload && d.upload.bytes_sent < d.upload.bytes_total)
          ? " The partial upload is kept and costs nothing: call cut_to_script again with the same file to resume it."
          : "";
      return `Job ${job.id} was canceled at ${job.step}${ids(d)}.${notes}${resume} ${next}`;
    }
  }
}

/** A remote job's inline exports as text blocks after the summary: some hosts pass the model only the text. */
export function jobContent(job: JobSnapshot<CutJobDetail>): { type: "text"; text: string }[] {
  return job.detail.exports.filter((e) => typeof e.text === "string").map((e) => ({ type: "text" as const, text: `${e.format} (${e.path}):\n${e.text}` }));
}
