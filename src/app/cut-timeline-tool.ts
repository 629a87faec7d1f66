// cut_timeline: the data the cut timeline view draws, for the view alone (visibility ["app"]: hosts keep
// it out of the model's tool list). The model-facing cut tools stay small; the words of a long cut would
// cost an agent thousands of tokens it does not need, so they come here, paged to fit the answer cap.

import { z } from "zod";
import { defineTool } from "../tools/define-tool.js";
import { uuid } from "../tools/shared-params.js";
import { segmentsFromOtio, type DroppedWord, type KeptSegment } from "../operations/segments.js";
import { parseVttWords, toSourceTime, type SpanWord } from "../operations/vtt-words.js";
import { CUT_TIMELINE_URI } from "../vocabulary/uris.js";
import { nextStep } from "../vocabulary/kinds.js";
import type { RoughyClient } from "../client/index.js";

/** Structured content stays under this many characters, well inside the 20,000 answer cap. */
const BUDGET_CHARS = 16_000;

const id = (what: string) => uuid(`must be a ${what} id (UUID)`);

type Parsed = { segments: KeptSegment[]; source: number | null; rate: number | null; words: SpanWord[]; dropped: DroppedWord[] | null };

// A completed cut never changes, and the view pages through it: read its OTIO and VTT once, not once per
// page (a long cut's OTIO is about 1 MB). Keyed by client, so one backend's cuts are never another's.
const CACHED_CUTS = 8;
const cache = new WeakMap<object, Map<string, Promise<Parsed>>>();

function parsedCut(client: RoughyClient, cutId: string, signal: AbortSignal): Promise<Parsed> {
  let byCut = cache.get(client);
  if (!byCut) cache.set(client, (byCut = new Map()));
  const hit = byCut.get(cutId);
  if (hit) return hit;
  const read = (async (): Promise<Parsed> => {
    const [otio, vtt] = await Promise.all([client.cuts.export(cutId, "otio", { signal }), client.cuts.exportSubtitle(cutId, "vtt", { signal })]);
    const parsed = segmentsFromOtio(otio.content);
    return { segments: parsed.segments, source: parsed.source_seconds, rate: parsed.frame_rate, words: toSourceTime(parseVttWords(vtt.content), parsed.segments), dropped: parsed.dropped };
  })();
  byCut.set(cutId, read);
  read.catch(() => byCut.delete(cutId));
  if (byCut.size > CACHED_CUTS) byCut.delete(byCut.keys().next().value!);
  return read;
}

/** Takes items from `from` while they fit `budget` characters; at least one when any is left. */
function page<T>(all: readonly T[], from: number, budget: { left: number }): { items: T[]; next: number | null } {
  const items: T[] = [];
  let i = Math.min(from, all.length);
  for (; i < all.length; i++) {
    const cost = JSON.stringify(all[i]).length + 1;
    if (cost > budget.left && (items.length > 0 || budget.left < BUDGET_CHARS / 4)) break;
    budget.left -= cost;
    items.push(all[i]!);
  }
  return { items, next: i < all.length ? i : null };
}

export const cutTimeline = defineTool({
  name: "cut_timeline",
  title: "Cut timeline",
  // Kept short: app-only tools still cost tools/list bytes. The answer also carries asset_id, error,
  // script, source_seconds, media_type and render ({id, output, state, progress, url, error} or null).
  description: "For the cut timeline view only: segments, kept words, dropped words with reasons (source time), script, paged by cursors; render state with render_id.",
  inputSchema: {
    cut_id: id("cut"),
    words_from: z.number().int().min(0).max(1e7).optional(),
    segments_from: z.number().int().min(0).max(1e7).optional(),
    script_from: z.number().int().min(0).max(1e7).optional(),
    dropped_from: z.number().int().min(0).max(1e7).optional(),
    render_id: id("render").optional(),
  },
  outputSchema: {
    cut_id: z.string(),
    state: z.string(),
    segments: z.array(z.array(z.number())),
    words: z.array(z.array(z.unknown())), // [start, end, text, segment index]
    next_word: z.number().nullable(),
    next_segment: z.number().nullable(),
    next_script: z.number().nullable(),
    // [start, end, text, reason, before_span]: reason filler | restart | aside | doubtful (or the service's own);
    // before_span is the kept segment that follows the word (segment_count after the last)
    dropped: z.array(z.array(z.unknown())),
    next_dropped: z.number().nullable(),
    segment_count: z.number(),
    word_count: z.number(),
    frame_rate: z.number().nullable(),
    // null when the export gives no reasons (a service whose OTIO does not carry them)
    dropped_count: z.number().nullable(),
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
    let source: number | null = typeof asset?.duration_seconds === "number" ? asset.duration_seconds : null;
    let rate: number | null = null;
    // Four cursors, filled in this order under one budget: the script (sent once, in pieces when long),
    // the segments, the kept words, then the dropped words. The view calls again with every cursor that is not
    // null. A first call names none and starts every section; a later one names the sections still open (at 0
    // too: a section put off to a later page) and skips the others, which are done.
    const budget = { left: BUDGET_CHARS - 800 };
    const firstCall = [args.script_from, args.segments_from, args.words_from, args.dropped_from].every((c) => c === undefined);
    const wanted = (from: number | undefined) => firstCall || from !== undefined;
    const script = cut.script ?? "";
    const scriptFrom = Math.min(args.script_from ?? 0, script.length);
    const scriptPiece = wanted(args.script_from) ? script.slice(scriptFrom, scriptFrom + budget.left) : "";
    budget.left -= JSON.stringify(scriptPiece).length;
    const nextScript = scriptPiece && scriptFrom + scriptPiece.length < script.length ? scriptFrom + scriptPiece.length : null;
    let segs: { items: KeptSegment[]; next: number | null } = { items: [], next: null };
    let wordPage: { items: SpanWord[]; next: number | null } = { items: [], next: null };
    let droppedPage: { items: DroppedWord[]; next: number | null } = { items: [], next: null };
    let segments: KeptSegment[] = [];
    let counts: { segments: number; words: number; kept: number; dropped: number | null } = { segments: 0, words: 0, kept: 0, dropped: null };
    if (cut.state === "completed") {
      const parsed = await parsedCut(client, cut.id, ctx.signal);
      source ??= parsed.source;
      rate = parsed.rate;
      segments = parsed.segments;
      const dropped = parsed.dropped ?? [];
      counts = { segments: parsed.segments.length, words: parsed.words.length, kept: parsed.segments.reduce((n, s) => n + s.end - s.start, 0), dropped: parsed.dropped ? dropped.length : null };
      // A section starts only when the ones before it are done; until then it waits at its cursor.
      let open = nextScript !== null;
      const section = <T>(all: readonly T[], from: number | undefined): { items: T[]; next: number | null } => {
        if (!wanted(from)) return { items: [], next: null };
        const at = from ?? 0;
        const out = open ? { items: [], next: at < all.length ? at : null } : page(all, at, budget);
        open ||= out.next !== null;
        return out;
      };
      segs = section(parsed.segments, args.segments_from);
      wordPage = section(parsed.words, args.words_from);
      droppedPage = section(dropped, args.dropped_from);
    }
    // The kept segment a dropped word comes before, so the view can show it in place between two spans.
    const beforeSpan = (d: DroppedWord) => {
      const mid = (d.start + d.end) / 2;
      const i = segments.findIndex((s) => s.start > mid);
      return i < 0 ? segments.length : i;
    };
    const error = (code: unknown, message: unknown): string | null => (code ? `${String(code)}: ${String(message ?? "")}`.trim() : null);
    const data = {
      cut_id: cut.id,
      asset_id: cut.asset_id,
      state: String(cut.state),
      error: error(cut.error_code, cut.error_message),
      // The script is sent once, with the first pages; null on later ones.
      script: scriptPiece || null,
      script_from: scriptFrom,
      next_script: nextScript,
      source_seconds: source,
      // "audio" asks the view for a frame rate before an EDL/XML export (the contract's frame_rate is for audio-only media).
      media_type: asset?.media_type ?? null,
      // The rate the exports count frames at: the view's timecodes must be theirs.
      frame_rate: rate,
      kept_seconds: Math.round(counts.kept * 1000) / 1000,
      segment_count: counts.segments,
      segments_from: args.segments_from ?? 0,
      segments: segs.items.map((s) => [s.start, s.end]),
      next_segment: segs.next,
      word_count: counts.words,
      words_from: args.words_from ?? 0,
      words: wordPage.items.map((w) => [w.start, w.end, w.text, w.span]),
      next_word: wordPage.next,
      dropped_count: counts.dropped,
      dropped_from: args.dropped_from ?? 0,
      dropped: droppedPage.items.map((d) => [d.start, d.end, d.text, d.reason, beforeSpan(d)]),
      next_dropped: droppedPage.next,
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
    const more = [["script_from", nextScript], ["segments_from", segs.next], ["words_from", wordPage.next], ["dropped_from", droppedPage.next]].filter(([, at]) => at !== null);
    const next = more.length > 0 ? `cut_timeline again with ${more.map(([arg, at]) => `${arg}=${at}`).join(", ")}.` : nextStep("cut", { id: cut.id, state: data.state, asset_id: cut.asset_id });
    return {
      data: { ...data, next_step: next },
      summary: `Timeline of cut ${cut.id} (${data.state}): ${counts.segments} kept segment(s), ${counts.words} word(s), ${counts.dropped ?? "unknown"} dropped word(s); this page ${segs.items.length} segment(s), ${wordPage.items.length} word(s), ${droppedPage.items.length} dropped. Next: ${next}`,
    };
  },
});
