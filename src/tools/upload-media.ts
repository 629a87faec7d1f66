// upload_media: puts a local file into Roughy. The only tool that spends credits, so it states the price
// first and asks (elicitation, or confirm_cost); the bytes stream over TUS with progress and resume after
// an interruption; it can wait a bounded time for the asset to become ready.

import path from "node:path";
import { z } from "zod";
import { defineTool, type ToolContext } from "./define-tool.js";
import { ToolError } from "../vocabulary/errors.js";
import { MAX_WAIT_SECONDS, projectId, waitSeconds } from "./shared-params.js";
import { MIN_UPLOAD_BYTES } from "../files/allowed-dirs.js";
import { creditsFor } from "../files/probe-local.js";
import { confirmCost, describeDecision, quoteUpload } from "./confirm-cost.js";
import { assetView, viewAsset } from "./views.js";
import { nextStep } from "../vocabulary/kinds.js";
import { waitAfterCreate } from "./wait-after-create.js";
import type { RoughyClient } from "../client/index.js";
import { rememberMediaPath } from "../exports/link-media.js";
import { findOrCreateProject } from "../operations/projects.js";
import { describeSending, uploadsFor } from "../operations/upload.js";

const DEFAULT_PROJECT = "roughy-mcp uploads";

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** POSIX shell single-quoting: the path and URL go into a command line as data, never as code. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that moves the bytes from the caller's machine (remote HTTP mode). It asks the transfer URL
 * for its offset first (HEAD) and sends only the rest, so the same line starts an upload or resumes one.
 * Against Roughy the key stays in the caller's environment ($ROUGHY_API_KEY): it is never part of an answer.
 * The --http --sandbox demo hands out signed transfer URLs (scoped to the asset, expiring): the URL is the
 * credential, and its callers, who hold no key, run the command as it is.
 */
export function tusUploadCommand(localPath: string, uploadUrl: string, options: { signedUrl?: boolean } = {}): string {
  const auth = `${options.signedUrl ? "" : `-H "Authorization: Bearer $ROUGHY_API_KEY" `}-H 'Tus-Resumable: 1.0.0'`;
  const offset = `o=$(curl -fsSI ${auth} "$u" | tr -d '\\r' | awk -F': *' 'tolower($1)=="upload-offset"{print $2}')`;
  const send = `tail -c +$((o+1)) "$f" | curl -fsS -X PATCH ${auth} -H 'Content-Type: application/offset+octet-stream' -H "Upload-Offset: $o" -T - "$u"`;
  // No offset (a wrong key, an expired URL): stop rather than send the whole file at a wrong offset.
  return `f=${shellQuote(localPath)}; u=${shellQuote(uploadUrl)}; ${offset} && [ -n "$o" ] && ${send}`;
}

async function resolveProject(client: RoughyClient, args: { project_id?: string; project_name?: string }, ctx: ToolContext) {
  if (args.project_id && args.project_name) throw new ToolError("Give project_id or project_name, not both.");
  if (args.project_id) {
    // Checked before any asset is created, so a wrong id costs nothing.
    await client.projects.get(args.project_id, { signal: ctx.signal });
    return { id: args.project_id, created: false };
  }
  const { project, created } = await findOrCreateProject(client, args.project_name ?? DEFAULT_PROJECT, { signal: ctx.signal });
  return { id: project.id, created };
}

export const uploadMedia = defineTool({
  name: "upload_media",
  title: "Upload media",
  description:
    "Uploads a local video/audio file in the background (a repeat call resumes); returns its asset_id. Costs 1 credit per started minute, confirmed first. Next: create_cut.",
  inputSchema: {
    path: z.string().describe("local file path"),
    project_id: projectId.optional(),
    project_name: z.string().min(1).max(200).optional().describe("project to use or create"),
    language: z.string().min(2).max(35).optional().describe("spoken language, e.g. en"),
    size_bytes: z.number().int().min(MIN_UPLOAD_BYTES).optional().describe("remote only: file size"),
    duration_seconds: z.number().positive().optional().describe("remote only: duration"),
    confirm_cost: z.boolean().optional().describe("true = user agreed to the cost"),
    wait_seconds: waitSeconds.describe("seconds to wait for ready (default: bytes only)"),
  },
  outputSchema: {
    asset: assetView,
    project_id: z.string(),
    project_created: z.boolean(),
    credits: z.number(),
    resumed: z.boolean(),
    bytes_skipped: z.number(),
    timed_out: z.boolean(),
    next_step: z.string(),
    upload_url: z.string().optional(),
    upload_command: z.string().optional(),
    sending: z.object({ bytes_sent: z.number(), bytes_total: z.number() }).optional(),
  },
  toolsets: ["assets"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    if (ctx.remoteCaller) return remoteUpload(args, ctx);
    const started = Date.now();
    const { file, info, credits, balance, client } = await quoteUpload(ctx, args.path);
    const filename = path.basename(file.realPath);
    let approval: string;
    let project: { id: string; created: boolean };
    try {
      approval = describeDecision(await confirmCost(ctx, { credits, balance, what: `Uploading ${filename} (${(info.duration_seconds / 60).toFixed(1)} min)` }, args.confirm_cost));
      project = await resolveProject(client, args, ctx);
    } catch (error) {
      await file.close();
      throw error;
    }
    ctx.progress.report(`Uploading ${filename} (${mb(file.size)})`, 0, file.size);
    // The transfer owns the opened file from here and closes it when the last byte is sent.
    const uploads = uploadsFor(client);
    const source = { readPath: file.path, identity: file.realPath, size: file.size, mtimeMs: file.mtimeMs, filename, close: () => file.close() };
    const { assetId } = await uploads.start(source, { projectId: project.id, ...(args.language ? { language: args.language } : {}) }, ctx.signal);
    // Later exports of this asset point at this file instead of leaving the editor with media offline.
    await rememberMediaPath(assetId, file.realPath);
    // The bytes get the call's bound (wait_seconds, else the longest a call waits); what is left over, if
    // wait_seconds was given, goes to waiting for the asset to be ready.
    const boundMs = (args.wait_seconds ?? MAX_WAIT_SECONDS) * 1000;
    let sent;
    try {
      sent = await uploads.follow(assetId, { signal: ctx.signal, sink: ctx.progress, timeoutMs: boundMs - (Date.now() - started) });
    } catch (error) {
      // A cancel while the call waits stops the transfer; what was sent stays, and the same call resumes.
      if (ctx.signal.aborted) await uploads.stop(assetId);
      throw error;
    }
    if (!sent) throw new Error(`the upload of asset ${assetId} is not known to this server`);
    if (sent.state === "failed" || sent.state === "stopped") throw sent.error;
    const common = { project_id: project.id, project_created: project.created, credits, resumed: sent.resumed };
    if (sent.state === "sending") {
      const view = viewAsset(await client.assets.get(assetId, { signal: ctx.signal }));
      const next = sendingNextStep(assetId);
      return {
        data: { asset: view, ...common, bytes_skipped: 0, timed_out: true, next_step: next, sending: { bytes_sent: sent.bytesSent, bytes_total: sent.bytesTotal } },
        summary: `Uploading ${filename}${sent.resumed ? " (resumed)" : ""} as asset ${assetId}: ${describeSending(sent).toLowerCase()} so far; the transfer goes on in the server. Cost ${credits} credit(s).${approval} Next: ${next}`,
      };
    }
    const uploaded = sent.asset as NonNullable<typeof sent.asset>;
    const waitLeft = args.wait_seconds === undefined ? 0 : Math.max(0, (boundMs - (Date.now() - started)) / 1000);
    const { resource: asset, timedOut } = await waitAfterCreate(client, "asset", uploaded, waitLeft, ctx);
    const view = viewAsset(asset);
    const skipped = sent.bytesSkipped ?? 0;
    const resumed = sent.resumed ? ` (resumed, ${mb(skipped)} already there)` : "";
    const next = nextStep("asset", view);
    return {
      data: { asset: view, ...common, bytes_skipped: skipped, timed_out: timedOut, next_step: next },
      summary: `Uploaded ${filename}${resumed} as asset ${asset.id}, now ${view.state}; cost ${credits} credit(s).${approval} Next: ${next}`,
    };
  },
});

/** While the bytes are still going, roughy_wait follows them (and then the preparation) to ready. */
export function sendingNextStep(assetId: string): string {
  return `call roughy_wait with kind=asset, id=${assetId}: the bytes are still being sent, then it is prepared.`;
}

type UploadArgs = {
  path: string;
  project_id?: string;
  project_name?: string;
  language?: string;
  size_bytes?: number;
  duration_seconds?: number;
  confirm_cost?: boolean;
};

/**
 * Remote HTTP mode: the file is on the caller's machine, which this server cannot read. The asset is created
 * (after the cost is confirmed) and the answer carries its TUS transfer URL and a command to run there.
 */
async function remoteUpload(args: UploadArgs, ctx: ToolContext) {
  if (args.size_bytes === undefined) {
    throw new ToolError(
      `This server runs remotely and cannot read "${args.path}". Give size_bytes (the file's size: wc -c < FILE) and duration_seconds (ffprobe -v error -show_entries format=duration -of csv=p=0 FILE); the answer is a command that uploads the file from your machine.`,
    );
  }
  const client = await ctx.client();
  const filename = args.path.split(/[\\/]/).pop() || "upload";
  if (ctx.mode !== "sandbox") {
    if (args.duration_seconds === undefined) {
      throw new ToolError(`Give duration_seconds for "${filename}" so that its cost (1 credit per source minute, rounded up) can be stated before anything is created.`);
    }
    const { balance } = await client.credits.get({ signal: ctx.signal });
    await confirmCost(ctx, { credits: creditsFor(args.duration_seconds), balance, what: `Uploading ${filename} (${(args.duration_seconds / 60).toFixed(1)} min)` }, args.confirm_cost);
  }
  const credits = args.duration_seconds === undefined ? 0 : creditsFor(args.duration_seconds);
  const project = await resolveProject(client, args, ctx);
  const asset = await client.assets.create(
    { project_id: project.id, size_bytes: args.size_bytes, filename, ...(args.language ? { language: args.language } : {}) },
    { signal: ctx.signal },
  );
  const uploadUrl = asset.upload_url;
  if (!uploadUrl) throw new Error("the API created an asset without an upload_url");
  const signedUrl = ctx.mode === "sandbox";
  const command = tusUploadCommand(args.path, uploadUrl, { signedUrl });
  const view = viewAsset(asset);
  return {
    data: {
      asset: view,
      project_id: project.id,
      project_created: project.created,
      credits,
      resumed: false,
      bytes_skipped: 0,
      timed_out: false,
      next_step: `run upload_command, then call roughy_wait with kind=asset, id=${asset.id} until it is ready, then create_cut (or cut_to_script with asset_id for the whole job).`,
      upload_url: uploadUrl,
      upload_command: command,
    },
    summary:
      `Created asset ${asset.id} for ${filename} (${mb(args.size_bytes)}); this server is remote, so the bytes go from your machine. ` +
      `Run ${signedUrl ? "it as is (the URL is this asset's upload credential, valid for an hour)" : "it in a shell where ROUGHY_API_KEY is set"} (run it again to resume after an interruption):\n${command}\n` +
      `Or use any TUS 1.0 client with the transfer URL ${uploadUrl}. Next: roughy_wait kind=asset id=${asset.id} until it is ready, then create_cut (or cut_to_script with asset_id for the whole job).`,
  };
}
