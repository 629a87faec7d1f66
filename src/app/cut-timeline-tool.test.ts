// cut_timeline (the app-only tool the cut-timeline view calls) against a real sandbox through a real MCP client:
// paged with its cursors until none is left, it gives every kept segment, every kept word and every dropped word
// with its reason. The truth comes from the service's own files read by outside parsers (the OTIO export's clips
// as plain JSON, the WebVTT subtitle's cue text by webvtt-parser) and, for what was dropped and why, from how the
// fixture was built (test/fixtures/interview.truth.json: each spoken piece's kind).
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { completedCut, useToolHarness } from "../../test/helpers/tool-harness.js";
import { connect, FIXTURE_MP4, FIXTURE_TRUTH } from "../../test/helpers/mcp-harness.js";
import { makeLongCut, planLongCut } from "../../test/app/long-cut.js";
import { start, uploadAsset } from "../../test/sandbox/harness.js";
import { openDatabase } from "../sandbox/store/sqlite.js";

type VttNode = { type: string; value?: unknown; children?: VttNode[] };
const { WebVTTParser } = createRequire(import.meta.url)("webvtt-parser") as {
  WebVTTParser: new () => { parse(input: string): { cues: Array<{ tree: { children: VttNode[] } }> } };
};
const shown = (nodes: VttNode[]): string => nodes.map((n) => (n.type === "text" ? String(n.value) : shown(n.children ?? []))).join("");
const wordsOf = (text: string): string[] => text.toLowerCase().split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}']/gu, "")).filter(Boolean);

const h = useToolHarness("roughy-mcp-cut-timeline-");

type Page = {
  cut_id: string;
  state: string;
  segments: number[][];
  words: unknown[][];
  next_word: number | null;
  next_segment: number | null;
  next_script: number | null;
  script: string | null;
  dropped: unknown[][];
  next_dropped: number | null;
  segment_count: number;
  word_count: number;
  dropped_count: number | null;
  next_step: string;
};

type Time = { value: number; rate: number };
type Clip = { OTIO_SCHEMA: string; source_range: { start_time: Time; duration: Time }; media_references: { DEFAULT_MEDIA: { available_range: { start_time: Time } } } };

type Piece = { kind: string; words?: Array<{ word: string; start: number; end: number }> };

/** Calls cut_timeline with every cursor the last page left, until none is left; every page and all it gave. */
async function pageToEnd(cutId: string): Promise<{ pages: Page[]; segments: number[][]; words: unknown[][]; dropped: unknown[][] }> {
  const out = { pages: [] as Page[], segments: [] as number[][], words: [] as unknown[][], dropped: [] as unknown[][] };
  let args: Record<string, unknown> = { cut_id: cutId };
  for (;;) {
    const r = await h.conn.call("cut_timeline", args);
    expect(r.isError, textOf(r)).toBeFalsy();
    const page = r.structuredContent as Page;
    // the answer cap is 20,000 characters
    expect(JSON.stringify(page).length).toBeLessThan(20_000);
    expect(page.cut_id).toBe(cutId);
    out.pages.push(page);
    out.segments.push(...page.segments);
    out.words.push(...page.words);
    out.dropped.push(...page.dropped);
    if (page.next_segment === null && page.next_word === null && page.next_script === null && page.next_dropped === null) return out;
    const at = (n: number | null) => n ?? undefined;
    args = { cut_id: cutId, segments_from: at(page.next_segment), words_from: at(page.next_word), script_from: at(page.next_script), dropped_from: at(page.next_dropped) };
  }
}

async function service(pathname: string): Promise<string> {
  const res = await fetch(`${h.sb.sandbox.baseUrl}${pathname}`, { headers: { authorization: `Bearer ${h.sb.sandbox.apiKey}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe("cut_timeline", () => {
  it("pages out every kept segment and word of a completed cut, as the OTIO and the VTT have them", async () => {
    const { cutId } = await completedCut(h);
    const { pages, segments, words, dropped } = await pageToEnd(cutId);
    const page = pages.at(-1)!;
    expect(page.state).toBe("completed");
    expect(page.next_step.length).toBeGreaterThan(5);

    const otio = JSON.parse(await service(`/v1/cuts/${cutId}/export?format=otio`)) as { tracks: { children: { children: Clip[] }[] } };
    const clips = otio.tracks.children[0]!.children.filter((c) => c.OTIO_SCHEMA.startsWith("Clip"));
    // the clips in seconds from the file's start: source range less the media's available start
    const sec = (t: { value: number; rate: number }) => t.value / t.rate;
    const kept = clips.map((c) => {
      const at = sec(c.source_range.start_time) - sec(c.media_references.DEFAULT_MEDIA.available_range.start_time);
      return [at, at + sec(c.source_range.duration)];
    });
    expect(page.segment_count).toBe(clips.length);
    expect(segments).toHaveLength(clips.length);
    for (const s of segments) expect(s[1]!).toBeGreaterThan(s[0]!);

    const vtt = new WebVTTParser().parse(await service(`/v1/cuts/${cutId}/subtitle/export?format=vtt`));
    const truth = vtt.cues.flatMap((c) => wordsOf(shown(c.tree.children)));
    expect(page.word_count).toBe(words.length);
    expect(words.flatMap((w) => wordsOf(String(w[2])))).toEqual(truth);

    // What was dropped: the fixture's fillers, abandoned take and aside, each with its kind, each outside every
    // kept segment and placed before the segment that follows it.
    const built = (JSON.parse(readFileSync(FIXTURE_TRUTH, "utf8")) as { pieces: Piece[] }).pieces
      .filter((p) => ["filler", "restart", "aside"].includes(p.kind))
      .flatMap((p) => (p.words ?? []).map((w) => [w.start, w.end, w.word, p.kind]));
    expect(dropped.map((d) => d.slice(0, 4))).toEqual(built);
    expect(page.dropped_count).toBe(built.length);
    for (const d of dropped) {
      const [start, end, , , before] = d as [number, number, string, string, number];
      expect(kept.some((s) => s[0]! < end && start < s[1]!)).toBe(false);
      if (before < segments.length) expect(segments[before]![0]!).toBeGreaterThanOrEqual(end);
      if (before > 0) expect(segments[before - 1]![1]!).toBeLessThanOrEqual(start);
    }
  });

  it("pages a long cut's script, segments, words and dropped words under the answer cap, every one once", async () => {
    // 200 sentences said as written with an "um" between each two (test/app/long-cut.ts): 199 known hesitations
    const plan = planLongCut(200);
    const { cutId } = await makeLongCut(h.conn, h.sb, h.ws.dir, plan);
    const { pages, segments, words, dropped } = await pageToEnd(cutId);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.map((p) => p.script ?? "").join("")).toBe(plan.script);
    expect(segments).toHaveLength(200);
    expect(words).toHaveLength(pages[0]!.word_count);
    const hesitations = plan.transcript.filter((w) => w.word === "um").map((w) => [w.start, w.end, w.word, "filler"]);
    expect(hesitations).toHaveLength(199);
    expect(dropped.map((d) => d.slice(0, 4))).toEqual(hesitations);
    // each "um" sits between sentence k and k + 1: before span k + 1
    expect(dropped.map((d) => d[4])).toEqual(hesitations.map((_, k) => k + 1));
    expect(pages.every((p) => p.dropped_count === 199)).toBe(true);
    // the dropped words start on the page where the words end, and run on to the next
    expect(pages.filter((p) => p.dropped.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  it("an unknown cut is named with the tool that gives cut ids", async () => {
    const r = await h.conn.call("cut_timeline", { cut_id: "00000000-0000-4000-8000-000000000000" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("cut_id");
    expect(textOf(r)).toContain("roughy_list");
  });
});

describe("cut_timeline without reasons", () => {
  it("gives dropped_count null, not zero, for a cut whose export carries none (stored by a sandbox from before reasons)", async () => {
    // A sandbox makes a cut and stops; its stored cut is put back as an older version left it; a new sandbox on
    // the same data serves that cut's OTIO without the metadata, as the real service may.
    const first = await start();
    const asset = await uploadAsset(first, FIXTURE_MP4);
    const truth = JSON.parse(readFileSync(FIXTURE_TRUTH, "utf8")) as { words: unknown[] };
    expect((await first.req("PUT", `/sandbox/assets/${asset.id}/transcript`, { words: truth.words })).status).toBe(200);
    const cutId = (await first.req("POST", "/v1/cuts", { asset_id: asset.id })).json.id as string;
    await first.sb.idle();
    await first.sb.close();
    const db = openDatabase(path.join(first.dataDir, "sandbox.db"));
    db.prepare("UPDATE cuts SET dropped_json = NULL WHERE id = ?").run(cutId);
    db.close();
    const again = await start({ dataDir: first.dataDir });
    const conn = await connect({ sandbox: again.sb });
    try {
      const r = await conn.call("cut_timeline", { cut_id: cutId });
      expect(r.isError, textOf(r)).toBeFalsy();
      const page = r.structuredContent as Page;
      expect(page.state).toBe("completed");
      expect(page.segment_count).toBeGreaterThan(1);
      expect(page.dropped_count).toBeNull();
      expect(page.dropped).toEqual([]);
      expect(page.next_dropped).toBeNull();
    } finally {
      await conn.close();
      await again.sb.close();
      rmSync(path.dirname(first.dataDir), { recursive: true, force: true });
    }
  });
});
