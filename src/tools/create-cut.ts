// create_cut: asks Roughy for a cut of an asset, optionally against a script. The API deduplicates on
// (asset, script), so the answer says whether this is a new cut or the existing one; with wait_seconds it
// follows the cut and, once completed, reads the kept segments from the OTIO export.

import { nextStep } from "../vocabulary/kinds.js";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { assetId, waitSeconds } from "./shared-params.js";
import { cutView, viewCut } from "./views.js";
import { waitAfterCreate } from "./wait-after-create.js";
import { segmentsFromOtio, type CutSegments } from "../operations/segments.js";
import { scriptCoverage, type ScriptCoverage } from "../operations/coverage.js";
import { parseVttWords } from "../operations/vtt-words.js";
import type { Cut, RoughyClient } from "../client/index.js";
import { createCutWhenCuttable, normalizeScript } from "../operations/cuts.js";
import { CUT_TIMELINE_META } from "../vocabulary/uris.js";

/** Segments shown in an answer; the count and totals always cover all of them. */
const MAX_LISTED_SEGMENTS = 100;

const sentenceList = z.array(z.object({ n: z.number(), text: z.string() }));

// Inside the segments summary: it costs the tool listing nothing there, and exists exactly when segments do.
const coverageOutput = z
  .object({
    sentences: z.number(),
    carried: z.number(),
    partial: sentenceList,
    missing: sentenceList,
    word_share: z.number(),
    warning: z.string().nullable(),
  })
  .nullable();

export const segmentsOutput = z
  .object({
    count: z.number(),
    kept_seconds: z.number(),
    source_seconds: z.number().nullable(),
    segments: z.array(z.object({ start: z.number(), end: z.number() })),
    source_timecode: z.object({ seconds: z.number(), frames: z.number(), rate: z.number() }).nullable(),
    truncated: z.boolean(),
    coverage: coverageOutput,
  })
  .nullable();

/** Reads a completed cut's segments and script coverage; null (not an error) when the export cannot be read. */
export async function readSegments(client: RoughyClient, cut: Cut, signal: AbortSignal): Promise<z.infer<typeof segmentsOutput>> {
  if (cut.state !== "completed") return null;
  let parsed: CutSegments;
  try {
    const file = await client.cuts.export(cut.id, "otio", { signal });
    parsed = segmentsFromOtio(file.content);
  } catch {
    return null;
  }
  const removed = parsed.source_seconds ? 1 - parsed.kept_seconds / parsed.source_seconds : null;
  const coverage = await readCoverage(client, cut, removed, signal);
  // Named field by field: what else the export gives (dropped words, the frame rate) is the timeline view's.
  return {
    count: parsed.count,
    kept_seconds: parsed.kept_seconds,
    source_seconds: parsed.source_seconds,
    segments: parsed.segments.slice(0, MAX_LISTED_SEGMENTS),
    source_timecode: parsed.source_timecode,
    truncated: parsed.segments.length > MAX_LISTED_SEGMENTS,
    coverage,
  };
}

/**
 * Which script sentences a completed scripted cut carries, from its subtitle's words (what any backend gives);
 * null for a scriptless or unfinished cut, or when the subtitle cannot be read yet.
 */
async function readCoverage(client: RoughyClient, cut: Cut, removedShare: number | null, signal: AbortSignal): Promise<ScriptCoverage | null> {
  if (cut.state !== "completed" || !cut.script?.trim()) return null;
  let vtt: string;
  try {
    vtt = (await client.cuts.exportSubtitle(cut.id, "vtt", { signal })).content;
  } catch {
    return null;
  }
  return scriptCoverage(cut.script, parseVttWords(vtt).map((w) => w.text), removedShare);
}

/** The coverage in a sentence for the text summary: the figures, the first missing sentences, the warning. */
export function coverageSummary(segments: z.infer<typeof segmentsOutput>): string {
  const c = segments?.coverage;
  if (!c) {
    // A scriptless cut has no coverage, but removing nearly everything still deserves a word.
    const removed = segments?.source_seconds ? 1 - segments.kept_seconds / segments.source_seconds : 0;
    return removed > 0.9 ? ` It removed ${Math.round(removed * 100)}% of the source: check it before exporting.` : "";
  }
  const missing = c.missing.length > 0 ? `; missing ${c.missing.slice(0, 5).map((m) => m.n).join(", ")}` : "";
  return ` Script: ${c.carried} of ${c.sentences} sentence(s) carried${missing}.${c.warning ? ` ${c.warning}` : ""}`;
}

export const createCut = defineTool({
  name: "create_cut",
  title: "Create a cut",
  description:
    "Rough cut of a ready asset (upload_media): drops filler, restarts, asides; with a script, keeps what matches it (segments.coverage: sentences carried, missing). Free; same asset+script, same cut. Next: export_cut or create_render.",
  inputSchema: {
    asset_id: assetId,
    script: z.string().max(100_000).optional().describe("intended message, plain text; omit for scriptless"),
    wait_seconds: waitSeconds,
  },
  outputSchema: {
    cut: cutView,
    created: z.boolean(),
    timed_out: z.boolean(),
    segments: segmentsOutput,
    next_step: z.string(),
  },
  toolsets: ["cuts"],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  _meta: CUT_TIMELINE_META,
  async handler(args, ctx) {
    const client = await ctx.client();
    // One attempt: a preparing asset is refused at once (409 asset_processing names the wait to use).
    const created = await createCutWhenCuttable(client, args.asset_id, normalizeScript(args.script), { signal: ctx.signal, attempts: 1 });
    const { resource: cut, timedOut } = await waitAfterCreate(client, "cut", created.cut, args.wait_seconds, ctx);
    if (cut.state === "completed") ctx.cutCompleted?.(cut.id);
    const segments = await readSegments(client, cut, ctx.signal);
    const view = viewCut(cut);
    const which = created.created ? "Created cut" : "This asset and script already had cut";
    const kept = segments ? `; keeps ${segments.count} segment(s), ${segments.kept_seconds.toFixed(1)} s${segments.source_seconds ? ` of ${segments.source_seconds.toFixed(1)} s` : ""}` : "";
    const error = view.error ? ` (${view.error})` : "";
    const next = nextStep("cut", view);
    return {
      data: { cut: view, created: created.created, timed_out: timedOut, segments, next_step: next },
      summary: `${which} ${cut.id}, ${view.state}${error}${kept}.${coverageSummary(segments)} Next: ${next}`,
    };
  },
});
