// cut_to_script: the whole rough cut in one call (upload, prepare, cut to a script, export files, render,
// download) as a server-side job, because that takes longer than a tool call should. The call states and
// confirms the cost before anything is spent, waits a bounded time with progress, and answers either the
// finished result or the job id to pass to `roughy_wait`.

import { promises as fs, constants as fsConstants } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { defineTool, type ToolContext } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { confirmCost } from "./confirm-cost.js";
import { ALL_EXPORT_FORMATS, MAX_WAIT_SECONDS, RENDER_OUTPUTS, assetId, projectId } from "./shared-params.js";
import { quoteLocalUpload, type UploadQuote } from "../operations/quote.js";
import { jobManagerFor } from "../jobs/index.js";
import {
  DEFAULT_EXPORTS,
  DEFAULT_OUTPUT,
  emptyDetail,
  runCutToScript,
  type CutJobDetail,
  type CutJobExport,
  type CutJobOutput,
} from "../jobs/cut-to-script.js";
import { jobContent, jobOutput, jobNextStep, jobSummary, jobToOutput } from "../jobs/job-view.js";
import type { JobSnapshot } from "../jobs/manager.js";
import { MAX_SEALED_JOB_ID, type RemoteJobs, type SealedJobState } from "../jobs/sealed-job.js";
import { advanceRemoteJob, cancelRemoteJob } from "../jobs/remote-cut-to-script.js";

const DEFAULT_WAIT_SECONDS = 45;
const MAX_SCRIPT_CHARS = 100_000;

/** Where the files go: output_dir when given (it must be an allowed, existing directory), else next to
 *  the source when that folder is writable, else the first allowed directory. */
async function resolveOutputDir(ctx: ToolContext, outputDir: string | undefined, sourcePath: string | undefined): Promise<string> {
  if (outputDir) {
    // The file-access module checks files; a probe name inside the folder checks the folder itself.
    const probe = await ctx.files.resolveWritable(path.join(outputDir, ".roughy-output-check"), "output_dir", { overwrite: true });
    const dir = path.dirname(probe);
    const stat = await fs.stat(dir).catch(() => null);
    if (!stat?.isDirectory()) throw new ToolError(`output_dir "${outputDir}" is not a directory; create it first or pick another.`);
    return dir;
  }
  if (sourcePath) {
    const dir = path.dirname(sourcePath);
    const writable = await fs.access(dir, fsConstants.W_OK).then(() => true, () => false);
    if (writable) return dir;
  }
  return ctx.files.defaultDir();
}

function toAnswer(job: JobSnapshot<CutJobDetail>, timedOut: boolean) {
  return { data: { ...jobToOutput(job), timed_out: timedOut, next_step: jobNextStep(job) }, summary: jobSummary(job), content: jobContent(job) };
}

const inputSchema = {
  file_path: z.string().min(1).optional().describe("local media file (or asset_id)"),
  asset_id: assetId.optional(),
  project_id: projectId.optional(),
  project_name: z.string().min(1).max(200).optional().describe("project to use or create (default: file name)"),
  script: z.string().max(MAX_SCRIPT_CHARS).optional().describe("intended message; omit for a scriptless cut"),
  script_path: z.string().min(1).optional().describe("a text file with the script"),
  exports: z.array(z.enum(ALL_EXPORT_FORMATS)).max(6).optional().describe("default xmeml, srt: edl, xmeml, fcpxml, otio, srt, vtt"),
  render: z.enum([...RENDER_OUTPUTS, "none"]).optional().describe("mp4, mov, m4a, mp3 or none (default mp4)"),
  output_dir: z.string().min(1).optional().describe("folder for files (default: source's)"),
  frame_rate: z.number().positive().max(120).optional().describe("fps for audio-only media (default 25)"),
  language: z.string().min(2).max(16).optional().describe("spoken language, e.g. en"),
  confirm_cost: z.boolean().optional().describe("true = the user agreed to the cost"),
  wait_seconds: z.number().min(0).max(MAX_WAIT_SECONDS).optional().describe(`seconds to wait (default ${DEFAULT_WAIT_SECONDS})`),
  cancel_job_id: z.string().min(1).max(MAX_SEALED_JOB_ID).optional().describe("stop this job instead"),
};

export const cutToScript = defineTool({
  name: "cut_to_script",
  title: "Cut a file to a script",
  description:
    "One background job: uploads file_path (or takes asset_id), cuts it to the script, saves exports and a render beside the source. 1 credit per source minute, confirmed first. Then roughy_wait kind=job.",
  inputSchema,
  outputSchema: { ...jobOutput.shape, timed_out: z.boolean(), next_step: z.string() },
  toolsets: ["jobs"],
  // Spends credits and creates assets, cuts, renders and files; never overwrites or deletes the user's
  // things (a cancel removes only the unfinished cut or render this job started).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    if (ctx.remoteJobs) return remoteCutToScript(args, ctx, ctx.remoteJobs);
    const jobs = jobManagerFor(ctx.jobs);

    if (args.cancel_job_id) {
      const job = await jobs.cancel(args.cancel_job_id);
      if (!job) throw new ToolError(`No job with id "${args.cancel_job_id}" on this server; nothing to cancel.`);
      return toAnswer(job as JobSnapshot<CutJobDetail>, false);
    }

    const started = await startJob(args, ctx);
    const timeoutMs = (args.wait_seconds ?? DEFAULT_WAIT_SECONDS) * 1000;
    try {
      const waited = await jobs.wait<CutJobDetail>(started.id, { signal: ctx.signal, timeoutMs, sink: ctx.progress });
      const job = waited?.job ?? started;
      return toAnswer(job, waited?.timedOut ?? false);
    } catch (error) {
      // The call that started the job was cancelled while it ran: that cancels the job too (a later
      // `roughy_wait` being cancelled only stops the waiting).
      if (ctx.signal.aborted) await jobs.cancel(started.id);
      throw error;
    }
  },
  // As a task the job outlives the call by design: tasks/get shows its state, tasks/cancel stops it.
  task: {
    async start(args, ctx) {
      if (args.cancel_job_id) throw new ToolError("cancel_job_id does not start a job: call cut_to_script without a task to cancel one (or tasks/cancel for a task).");
      return startJob(args, ctx);
    },
    answer: (job) => toAnswer(job as JobSnapshot<CutJobDetail>, false),
  },
});

type CutToScriptArgs = z.output<z.ZodObject<typeof inputSchema>>;

/**
 * Remote HTTP mode: no job can outlive the request, so the call carries the job as far as wait_seconds allows
 * and answers an id that holds it; roughy_wait kind=job continues from there (jobs/remote-cut-to-script.ts).
 */
async function remoteCutToScript(args: CutToScriptArgs, ctx: ToolContext, remote: RemoteJobs) {
  const client = await ctx.client();
  if (args.cancel_job_id) {
    const state = await remote.sealer.open(args.cancel_job_id, remote.owner);
    return toAnswer(await cancelRemoteJob(client, remote, state, ctx.signal), false);
  }
  const local = args.file_path ? "file_path" : args.script_path ? "script_path" : args.output_dir ? "output_dir" : null;
  if (local) {
    throw new ToolError(
      `${local}: this roughy-mcp server runs remotely and cannot read or write files on your machine. Upload with upload_media (path, size_bytes, duration_seconds) and run its upload_command, then call cut_to_script with asset_id and the script as text: exports come back inline or as roughy:// resources, the render as a download URL.`,
    );
  }
  if (!args.asset_id) throw new ToolError("asset_id: give the asset to cut (from upload_media or roughy_list kind=assets).");
  // The asset must exist and be this key's: a wrong id is refused before a job id is made for it.
  await client.assets.get(args.asset_id, { signal: ctx.signal });
  const state: SealedJobState = {
    asset_id: args.asset_id,
    cut_id: null,
    render_id: null,
    step: "prepare",
    exports: [...new Set(args.exports ?? DEFAULT_EXPORTS)],
    output: args.render ?? DEFAULT_OUTPUT,
    frame_rate: args.frame_rate ?? null,
    script: args.script?.trim() ? args.script : null,
    created_at: new Date().toISOString(),
  };
  const deadline = Date.now() + (args.wait_seconds ?? DEFAULT_WAIT_SECONDS) * 1000;
  const jobs = jobManagerFor(ctx.jobs);
  const job = await advanceRemoteJob(client, remote, state, { signal: ctx.signal, sink: ctx.progress, deadline }, (m, e) => jobs.logInternal(m, e));
  return toAnswer(job, job.status === "running");
}

/** Everything up to the job's start: argument checks, the cost (confirmed), the output folder. */
async function startJob(args: CutToScriptArgs, ctx: ToolContext): Promise<JobSnapshot<CutJobDetail>> {
  if (!args.file_path === !args.asset_id) {
    throw new ToolError("Give exactly one of file_path (a local file to upload) or asset_id (an uploaded asset, from upload_media or roughy_list kind=assets).");
  }
  if (args.script !== undefined && args.script_path !== undefined) {
    throw new ToolError("Give script or script_path, not both.");
  }
  let script: string | null = args.script?.trim() ? args.script : null;
  if (args.script_path) {
    const text = await ctx.files.readText(args.script_path, "script_path", MAX_SCRIPT_CHARS);
    script = text.trim() ? text : null;
  }

  const quote = args.file_path ? await quoteLocalUpload(ctx.files, () => ctx.client(), args.file_path, "file_path", ctx.signal) : null;
  try {
    return await startWithSource(args, ctx, script, quote);
  } catch (error) {
    await quote?.file.close();
    throw error;
  }
}

async function startWithSource(args: CutToScriptArgs, ctx: ToolContext, script: string | null, quote: UploadQuote | null): Promise<JobSnapshot<CutJobDetail>> {
  const jobs = jobManagerFor(ctx.jobs);
  const client = await ctx.client();
  const source = quote?.file ?? null;
  let sourcePath: string | undefined;
  let baseName: string;
  if (quote && source) {
    sourcePath = source.realPath;
    baseName = path.parse(sourcePath).name;
    const { info, credits, balance } = quote;
    const what = `Uploading ${path.basename(sourcePath)} (${(info.duration_seconds / 60).toFixed(1)} min)`;
    // Unlike upload_media, the job cannot finish on an unpaid asset: refuse now rather than fail later.
    if (balance < credits) {
      throw new ToolError(
        `${what} costs ${credits} credit(s); the balance is ${balance}, which does not cover it. Nothing was uploaded. Top up credits, then call cut_to_script again.`,
      );
    }
    await confirmCost(ctx, { credits, balance, what }, args.confirm_cost);
  } else {
    // An existing asset was charged when it was prepared: nothing more to spend here.
    const asset = await client.assets.get(args.asset_id as string, { signal: ctx.signal });
    baseName = asset.filename ? path.parse(asset.filename).name : `asset-${asset.id.slice(0, 8)}`;
  }
  const outputDir = await resolveOutputDir(ctx, args.output_dir, sourcePath);

  const exportsWanted = (args.exports ?? DEFAULT_EXPORTS) as CutJobExport[];
  const output = (args.render ?? DEFAULT_OUTPUT) as CutJobOutput;
  // The opened source stays open for the job's upload and is closed when the job ends.
  const started = jobs.start<CutJobDetail>("cut_to_script", emptyDetail(), (jobCtx) =>
    runCutToScript(
      client,
      {
        ...(sourcePath && source ? { sourcePath, sourceReadPath: source.path } : { assetId: args.asset_id as string }),
        ...(args.project_id ? { projectId: args.project_id } : {}),
        ...(args.project_name ? { projectName: args.project_name } : {}),
        ...(args.language ? { language: args.language } : {}),
        ...(args.frame_rate ? { frameRate: args.frame_rate } : {}),
        script,
        exports: exportsWanted,
        output,
        outputDir,
        baseName,
        files: ctx.files,
        ...(ctx.cutCompleted ? { onCutCompleted: ctx.cutCompleted } : {}),
      },
      jobCtx,
    ).finally(() => source?.close()),
  );

  return started;
}
