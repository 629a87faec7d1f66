// cut_timeline: the data the cut timeline view draws, for the view alone (visibility ["app"]: hosts keep
// it out of the model's tool list). The model-facing cut tools stay small; the words of a long cut would
// cost an agent thousands of tokens it does not need, so they come here, paged to fit the answer cap.

import { z } from "zod";
import { defineTool } from "../tools/define-tool.js";
import { uuid } from "../tools/shared-params.js";
import { segmentsFromOtio, type KeptSegment } from "../operations/segments.js";
import { parseVttWords, toSourceTime } from "./vtt-words.js";
import { CUT_TIMELINE_URI } from "../vocabulary/uris.js";

/** Structured content stays under this many characters, well inside the 20,000 answer cap. */
const BUDGET_CHARS = 16_000;

const id = (what: string) => uuid(`must be a ${what} id (UUID)`);

export const cutTimeline = defineTool({
  name: "cut_timeline",
  title: "Cut timeline",
  // Kept short: app-only tools still cost tools/list bytes. The answer also carries asset_id, error,
  // script, source_seconds and render ({id, output, state, progress, url, error} or null).
  description: "For the cut timeline view only: segments, kept words (source time), script; render state with render_id.",
  inputSchema: {
    cut_id: id("cut"),
    words_from: z.number().int().min(0).max(1e6).optional(),
    render_id: id("render").optional(),
  },
  outputSchema: {
    cut_id: z.string(),
    state: z.string(),
    segments: z.array(z.array(z.number())),
    words: z.array(z.array(z.unknown())), // [start, end, text]
    next_word: z.number().nullable(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  _meta: { ui: { resourceUri: CUT_TIMELINE_URI, visibility: ["app"] } },
  async handler(args, ctx) {
    const client = await ctx.client();
    const o = { signal: ctx.signal };
    const cut = await client.cuts.get(args.cut_id, o);
    const [asset, render] = await Promise.all([
      // The asset only adds the source duration; the view works without it.
      client.assets.get(cut.asset_id, o).catch(() => null),
      args.render_id ? client.renders.get(args.render_id, o) : Promise.resolve(null),
    ]);
    let segments: KeptSegment[] = [];
    let source: number | null = typeof asset?.duration_seconds === "number" ? asset.duration_seconds : null;
    const words: [number, number, string][] = [];
    let next: number | null = null;
    if (cut.state === "completed") {
      const [otio, vtt] = await Promise.all([client.cuts.export(cut.id, "otio", o), client.cuts.exportSubtitle(cut.id, "vtt", o)]);
      const parsed = segmentsFromOtio(otio.content);
      segments = parsed.segments;
      source ??= parsed.source_seconds;
      const all = toSourceTime(parseVttWords(vtt.content), segments);
      const from = Math.min(args.words_from ?? 0, all.length);
      // Page the words so that the answer stays under the cap whatever the cut's length.
      let used = JSON.stringify(segments).length + (cut.script?.length ?? 0) + 600;
      let i = from;
      for (; i < all.length; i++) {
        const w = all[i]!;
        const entry: [number, number, string] = [w.start, w.end, w.text];
        used += JSON.stringify(entry).length + 1;
        if (used > BUDGET_CHARS && i > from) break;
        words.push(entry);
      }
      next = i < all.length ? i : null;
    }
    const error = (code: unknown, message: unknown): string | null => (code ? `${String(code)}: ${String(message ?? "")}`.trim() : null);
    const data = {
      cut_id: cut.id,
      asset_id: cut.asset_id,
      state: String(cut.state),
      error: error(cut.error_code, cut.error_message),
      // The script is sent once, with the first page.
      script: (args.words_from ?? 0) === 0 ? cut.script : null,
      source_seconds: source,
      segments: segments.map((s) => [s.start, s.end]),
      words,
      next_word: next,
      render: render
        ? {
            id: render.id,
            output: render.output,
            state: String(render.state),
            progress: typeof render.progress === "number" ? render.progress : null,
            url: render.state === "completed" && typeof render.download_url === "string" ? render.download_url : null,
            error: error(render.error_code, render.error_message),
          }
        : null,
    };
    return {
      data,
      summary: `Timeline of cut ${cut.id} (${data.state}): ${segments.length} kept segment(s), ${words.length} word(s)${next !== null ? `, more from word ${next}` : ""}.`,
    };
  },
});
