// wait: the one bounded way for an agent to let time pass on something slow (asset preparation, a cut, a
// render, a cut_to_script job) while its client shows progress. It never blocks past wait_seconds, never
// fails for a timeout, and answers the state plus what to call next.

import { z } from "zod";
import { defineTool, type ToolContext } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { MAX_WAIT_SECONDS } from "./shared-params.js";
import { follow, describeState, type Followable, type FollowKind } from "../progress/follow.js";
import { isTerminal, nextStep as kindNextStep } from "../vocabulary/kinds.js";
import { jobManagerFor } from "../jobs/index.js";
import { jobContent, jobNextStep, jobOutput, jobSummary, jobToOutput } from "../jobs/job-view.js";
import type { CutJobDetail } from "../jobs/cut-to-script.js";
import { MAX_SEALED_JOB_ID, isSealedJobId } from "../jobs/sealed-job.js";
import { advanceRemoteJob } from "../jobs/remote-cut-to-script.js";
import { describeSending, uploadsFor, type UploadStatus } from "../operations/upload.js";
import { describeError } from "../operations/describe-error.js";
import { sendingNextStep } from "./upload-media.js";

const DEFAULT_WAIT_SECONDS = 30;

const resourceOutput = z.object({
  id: z.string(),
  state: z.string(),
  asset_id: z.string().nullable(),
  cut_id: z.string().nullable(),
  filename: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  cuttable: z.boolean().nullable(),
  output: z.string().nullable(),
  progress: z.number().nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
});

type Resource = Followable & Record<string, unknown>;

function pick(r: Resource) {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    id: r.id,
    state: r.state,
    asset_id: str(r.asset_id),
    cut_id: str(r.cut_id),
    filename: str(r.filename),
    duration_seconds: num(r.duration_seconds),
    cuttable: typeof r.cuttable === "boolean" ? r.cuttable : null,
    output: str(r.output),
    progress: num(r.progress),
    error_code: str(r.error_code),
    error_message: str(r.error_message),
  };
}

/** What to call after a wait: the kind table's step for the state, or "again" when the wait ran out first. */
export function nextStep(kind: FollowKind, r: Resource, timedOut: boolean): string {
  if (timedOut && !isTerminal(kind, r.state)) return `Still ${r.state}: call roughy_wait with kind=${kind}, id=${r.id} again.`;
  return kindNextStep(kind, r);
}

/** A remote server's job, carried forward until `deadline` (its id holds it: any replica can answer). */
async function continueRemoteJob(id: string, ctx: ToolContext, deadline: number) {
  if (!ctx.remoteJobs) {
    throw new ToolError(`Job ${id.slice(0, 16)}... was started by a remote (HTTP) roughy-mcp server: continue it there, or use the asset_id, cut_id or render_id it reported with kind=asset|cut|render.`);
  }
  const state = await ctx.remoteJobs.sealer.open(id, ctx.remoteJobs.owner);
  const jobs = jobManagerFor(ctx.jobs);
  const job = await advanceRemoteJob(await ctx.client(), ctx.remoteJobs, state, { signal: ctx.signal, sink: ctx.progress, deadline }, (m, e) => jobs.logInternal(m, e));
  return { job, timedOut: job.status === "running" };
}

/**
 * An asset whose bytes this server has not finished sending: still going (wait again), or stopped by a failure
 * or a cancel, told with the describer's message and the call that resumes it.
 */
export function unsentAnswer(asset: Resource, upload: UploadStatus) {
  const sending = upload.state === "sending";
  const why = sending ? null : describeError(upload.error, { path: upload.path }).message;
  const next = sending ? sendingNextStep(asset.id) : `call upload_media with path=${upload.path} again: it resumes from the bytes the server has.`;
  const resource = {
    ...pick(asset),
    progress: Math.floor((upload.bytesSent / Math.max(1, upload.bytesTotal)) * 100),
    error_code: sending ? null : upload.state === "stopped" ? "upload_stopped" : String((upload.error as { code?: unknown } | null)?.code ?? "upload_failed"),
    error_message: why,
  };
  const line = sending ? `still receiving its bytes (${describeSending(upload).toLowerCase()})` : `its upload stopped at ${describeSending(upload).replace(/^Sent /, "")}: ${why}`;
  return {
    data: { kind: "asset" as const, id: asset.id, state: asset.state, done: false, timed_out: sending, resource, job: null, next_step: next },
    summary: `asset ${asset.id}: ${line}. Next: ${next}`,
  };
}

export const roughyWait = defineTool({
  name: "roughy_wait",
  title: "Wait for Roughy work",
  description:
    "Waits up to 50 s for a Roughy asset, cut, render or cut_to_script job to finish, with progress; answers state and next step. Free.",
  inputSchema: {
    kind: z.enum(["asset", "cut", "render", "job"]).describe("asset, cut, render or job"),
    id: z.string().min(1).max(MAX_SEALED_JOB_ID).describe("its id"),
    wait_seconds: z
      .number()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .optional()
      .describe(`seconds (default ${DEFAULT_WAIT_SECONDS}; 0 reads the state)`),
  },
  outputSchema: {
    kind: z.enum(["asset", "cut", "render", "job"]),
    id: z.string(),
    state: z.string(),
    done: z.boolean().describe("true when the state is final and waiting longer changes nothing"),
    timed_out: z.boolean(),
    resource: resourceOutput.nullable(),
    // The full job view is cut_to_script's output schema; repeating it here would double its cost in
    // tools/list, so only the fields an agent branches on are spelled out.
    job: z
      .looseObject({ id: z.string(), status: jobOutput.shape.status })
      .nullable()
      .describe("kind=job: the job, with the same fields as cut_to_script's answer"),
    next_step: z.string(),
  },
  // Waiting changes nothing on the service; a job keeps running when the wait ends or is cancelled.
  toolsets: ["assets", "cuts", "renders", "jobs"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const timeoutMs = (args.wait_seconds ?? DEFAULT_WAIT_SECONDS) * 1000;

    if (args.kind === "job") {
      const jobs = jobManagerFor(ctx.jobs);
      const waited = isSealedJobId(args.id)
        ? await continueRemoteJob(args.id, ctx, Date.now() + timeoutMs)
        : await jobs.wait<CutJobDetail>(args.id, { signal: ctx.signal, timeoutMs, sink: ctx.progress });
      if (!waited) {
        throw new ToolError(
          `No job with id "${args.id}" on this server (jobs live until the server restarts). Start one with cut_to_script, or use the asset/cut/render ids it reported with kind=asset|cut|render.`,
        );
      }
      const job = waited.job;
      const summary = jobSummary(job);
      return {
        data: {
          kind: "job" as const,
          id: job.id,
          state: job.status,
          done: job.status !== "running",
          timed_out: waited.timedOut,
          resource: null,
          job: jobToOutput(job),
          next_step: jobNextStep(job),
        },
        summary,
        content: jobContent(job),
      };
    }

    if (!z.guid().safeParse(args.id).success) {
      throw new ToolError(`id "${args.id}" is not a ${args.kind} id (a UUID). Ids come from upload_media, create_cut, create_render or list.`);
    }
    const client = await ctx.client();
    const kind = args.kind;
    const started = Date.now();
    // An upload this server is still sending: its bytes first, then the preparation, within the one bound.
    const upload = kind === "asset" ? await uploadsFor(client).follow(args.id, { signal: ctx.signal, sink: ctx.progress, timeoutMs }) : undefined;
    if (upload && upload.state !== "sent") {
      const asset = (await client.assets.get(args.id, { signal: ctx.signal })) as Resource;
      if (asset.state === "pending_upload") return unsentAnswer(asset, upload);
    }
    const result = await follow(client, kind, args.id, { signal: ctx.signal, sink: ctx.progress, timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)) });
    const r = result.resource as Resource;
    if (kind === "cut" && r.state === "completed") ctx.cutCompleted?.(r.id);
    // Bytes no transfer of this server is sending will not arrive by waiting (a restart, another process
    // died): the upload resumes by calling upload_media again. A remote caller's own command may still run.
    const orphanUpload = kind === "asset" && r.state === "pending_upload" && !upload && !ctx.remoteCaller;
    const step = orphanUpload ? kindNextStep("asset", r) : nextStep(kind, r, result.timedOut);
    const done = isTerminal(kind, r.state);
    const waitedFor = result.timedOut ? ` after ${args.wait_seconds ?? DEFAULT_WAIT_SECONDS} s` : "";
    return {
      data: { kind, id: r.id, state: r.state, done, timed_out: result.timedOut, resource: pick(r), job: null, next_step: step },
      summary: `${kind} ${r.id}: ${describeState(kind, r)}${waitedFor}. Next: ${step}`,
    };
  },
});
