// cut_audio: the cut's audio for the cut timeline view's Listen button, for the view alone (visibility ["app"]).
// The view runs under the MCP Apps default CSP (media-src 'self' data:, no network), so it cannot fetch a
// render's signed URL: it asks this tool for the audio in chunks through the host and joins them into one
// data: URI. The audio is an m4a render of the cut (renders are free), reused when one exists, downloaded once
// into this process's private cache and served by byte range. A call waits for a render at most RENDER_WAIT:
// a longer one answers an empty chunk with next_offset_bytes 0, so the view's paging loop simply waits on.
//
// Chunks are 786,432 bytes (3 x 2^18): a multiple of 3, so the base64 of consecutive chunks concatenates into
// the base64 of the whole file, and each answer is 1 MiB of base64. The service renders m4a as 128 kbps AAC,
// about 0.96 MB a minute: a 10-minute cut is 13 calls and a 13 MB data URI. The answer is not capped to the
// model's 20,000 characters: an app-only tool's answer goes to the view, not into a model's context.

import { z } from "zod";
import { paginate, ValidationError, NotFoundError, type Render, type RoughyClient } from "../client/index.js";
import { defineTool, type ProgressSink } from "../tools/define-tool.js";
import { uuid } from "../tools/shared-params.js";
import { renderOnce } from "../operations/renders.js";
import { follow } from "../progress/follow.js";
import { phaseScale } from "../progress/sink.js";
import { CUT_TIMELINE_URI } from "../vocabulary/uris.js";
import { ToolError } from "../vocabulary/errors.js";
import { renderAudio } from "./render-audio-cache.js";

/** Bytes per answer: 3 x 2^18, so that base64 pieces join (see above). */
export const CHUNK_BYTES = 786_432;

const MIME_TYPE = "audio/mp4";
const OUTPUT = "m4a";

const id = (what: string) => uuid(`must be a ${what} id (UUID)`);

const again = (cutId: string) => `call cut_audio with cut_id=${cutId} and no render_id to start again`;

/**
 * How long one call waits for the render: under the 60 s that hosts and the SDK give a request by default, so
 * that a long render is not canceled by the host's timeout and started again by the retry. Tests shorten it.
 */
export const RENDER_WAIT = { ms: 45_000 };

type Found = { render: Render; created: boolean };

/** The render a previous answer came from: it must still exist, be this cut's m4a, and not have failed. */
async function givenRender(client: RoughyClient, cutId: string, renderId: string, signal: AbortSignal): Promise<Found> {
  let render: Render;
  try {
    render = await client.renders.get(renderId, { signal });
  } catch (error) {
    if (error instanceof NotFoundError) throw new ToolError(`render_id ${renderId} names no render (it goes when its cut is deleted); ${again(cutId)}.`);
    throw error;
  }
  if (render.cut_id !== cutId || render.output !== OUTPUT) {
    throw new ToolError(`render_id ${renderId} is not an m4a render of cut_id ${cutId} (it renders ${render.cut_id ? `cut ${render.cut_id}` : "a whole asset"} to ${render.output}); pass the render_id cut_audio answered for this cut, or ${again(cutId)}.`);
  }
  if (render.state === "failed" || render.state === "canceled") throw new ToolError(`render_id ${renderId} is ${String(render.state)}; ${again(cutId)}.`);
  return { render, created: false };
}

/** Why a render of the cut ended without a file, as the next thing to do. */
function renderFailed(cutId: string, render: Render): ToolError {
  const code = render.error_code ?? String(render.state);
  if (code === "no_segments") {
    return new ToolError(`Cut ${cutId} keeps nothing of its source (no_segments), so there is nothing to play. Make a new cut with create_cut (another script, or none).`);
  }
  const why = render.error_message ? `: ${render.error_message}` : "";
  return new ToolError(`The audio render ${render.id} of cut ${cutId} ended ${String(render.state)} (${code}${why}). Call cut_audio again to try a new render.`);
}

/** The cut's m4a render: the newest completed one, else one under way, else one made now (free). */
async function audioRender(client: RoughyClient, cutId: string, signal: AbortSignal): Promise<Found> {
  const cut = await client.cuts.get(cutId, { signal });
  const state = String(cut.state);
  if (state !== "completed") {
    const next = state === "failed" ? "Make a new cut with create_cut." : `Call roughy_wait with kind=cut, id=${cut.id}, then cut_audio again.`;
    throw new ToolError(`cut_id ${cut.id} is ${state}, not completed, so there is no audio to play yet. ${next}`);
  }
  // Listed newest first: the first completed m4a is the one to play.
  for await (const render of paginate((q) => client.renders.list({ ...q, cut_id: cut.id, state: "completed", signal }), { signal })) {
    if (render.output === OUTPUT) return { render, created: false };
  }
  try {
    // A render of this cut already under way (another view, create_render) is waited for, not doubled.
    return await renderOnce(client, cut.asset_id, cut.id, OUTPUT, { signal });
  } catch (error) {
    // The service refuses an audio output for media without sound (422 on output).
    if (error instanceof ValidationError && error.fields.some((f) => /(^|\.)output$/.test(f.field))) {
      throw new ToolError(`Cut ${cut.id} has no audio to play: its asset has no audio track (${error.message.replace(/\.$/, "")}). The cut still exports (export_cut), and create_render renders it to mp4.`);
    }
    throw error;
  }
}

/** Follows the render until it completes (the render) or this call's wait ends (null, the render still going). */
async function completed(client: RoughyClient, cutId: string, found: Found, signal: AbortSignal, progress: ProgressSink): Promise<{ render: Render; done: boolean }> {
  if (found.render.state === "completed") return { render: found.render, done: true };
  progress.report(found.created ? "Rendering the cut's audio (a free m4a render)" : "Waiting for the cut's audio render");
  let followed;
  try {
    followed = await follow(client, "render", found.render.id, { signal, sink: progress, timeoutMs: RENDER_WAIT.ms });
  } catch (error) {
    // The view gave up (closed, or the user stopped): a render made for it would go on for nobody. One this
    // call found under way is someone else's to stop.
    if (signal.aborted && found.created) await client.renders.cancel(found.render.id).catch(() => {});
    throw error;
  }
  if (followed.timedOut) return { render: followed.resource, done: false };
  if (followed.resource.state !== "completed") throw renderFailed(cutId, followed.resource);
  return { render: followed.resource, done: true };
}

export const cutAudio = defineTool({
  name: "cut_audio",
  title: "Cut audio",
  description:
    "For the cut timeline view only: the cut's audio (audio/mp4) as base64 in 786,432-byte chunks, from an m4a render made on first use (free) and reused; page with render_id and next_offset_bytes (an empty chunk while it renders).",
  inputSchema: {
    cut_id: id("cut"),
    render_id: id("render").optional(),
    offset_bytes: z.number().int().min(0).max(2 ** 40).optional(),
  },
  outputSchema: {
    cut_id: z.string(),
    render_id: z.string(),
    mime_type: z.string(),
    byte_length: z.number(),
    offset_bytes: z.number(),
    next_offset_bytes: z.number().nullable(),
    duration_seconds: z.number().nullable(),
    audio_base64: z.string(),
  },
  toolsets: ["renders"],
  // Not read-only: the first call may start a render on the service (free, and reused by every later call).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  _meta: { ui: { resourceUri: CUT_TIMELINE_URI, visibility: ["app"] } },
  async handler(args, ctx) {
    const client = await ctx.client();
    const { signal } = ctx;
    const offset = args.offset_bytes ?? 0;
    const report = phaseScale(ctx.progress, { render: 85, download: 15 });
    const found = args.render_id ? await givenRender(client, args.cut_id, args.render_id, signal) : await audioRender(client, args.cut_id, signal);
    const { render, done } = await completed(client, args.cut_id, found, signal, report.phase("render"));
    if (!done) {
      // Not an error: the view keeps paging as usual (next_offset_bytes is not null) and the next call waits on.
      const progress = typeof render.progress === "number" ? `, ${Math.round(render.progress)}% done` : "";
      const next = `cut_audio again with cut_id=${args.cut_id}, render_id=${render.id}, offset_bytes=0.`;
      return {
        data: { cut_id: args.cut_id, render_id: render.id, mime_type: MIME_TYPE, byte_length: 0, offset_bytes: 0, next_offset_bytes: 0, duration_seconds: null, audio_base64: "", next_step: next },
        summary: `The audio of cut ${args.cut_id} is still rendering (render ${render.id}, ${String(render.state)}${progress}); no bytes yet. Next: ${next}`,
      };
    }
    const download = report.phase("download");
    let fetched = false;
    const audio = await renderAudio.lease(
      render.id,
      async (dest) => {
        // A listed render's signed URL may be missing or near its expiry: ask for a fresh one.
        fetched = true;
        const fresh = await client.renders.get(render.id, { signal });
        await client.renders.download(fresh, dest, { signal, onProgress: (bytes, total) => download.report(`Fetching the cut's audio: ${(bytes / 1e6).toFixed(1)} MB`, bytes, total ?? undefined) });
      },
      signal,
    );
    // The bar ends full only where this call showed one (a render waited for, or a download).
    if (fetched || found.render.state !== "completed") report.done("The cut's audio is ready");
    let chunk: Buffer;
    try {
      if (offset >= audio.bytes) {
        throw new ToolError(`offset_bytes ${offset} is past the end of the audio: render ${render.id} has ${audio.bytes} bytes. Pass an offset_bytes from 0 to ${audio.bytes - 1} (next_offset_bytes of the previous answer), or 0 to start over.`);
      }
      chunk = await audio.read(offset, CHUNK_BYTES);
    } finally {
      await audio.release();
    }
    const end = offset + chunk.length;
    const nextOffset = end < audio.bytes ? end : null;
    const next =
      nextOffset !== null
        ? `cut_audio again with cut_id=${args.cut_id}, render_id=${render.id}, offset_bytes=${nextOffset}.`
        : `that was the last chunk: join the chunks' audio_base64 in order into one data:${MIME_TYPE};base64, URI and play it.`;
    const seconds = audio.durationSeconds !== null ? `, ${audio.durationSeconds.toFixed(1)} s` : "";
    return {
      data: {
        cut_id: args.cut_id,
        render_id: render.id,
        mime_type: MIME_TYPE,
        byte_length: audio.bytes,
        offset_bytes: offset,
        next_offset_bytes: nextOffset,
        duration_seconds: audio.durationSeconds,
        audio_base64: chunk.toString("base64"),
        next_step: next,
      },
      summary: `Audio of cut ${args.cut_id} (render ${render.id}, ${OUTPUT}${seconds}): bytes ${offset}-${end - 1} of ${audio.bytes}. Next: ${next}`,
    };
  },
});
