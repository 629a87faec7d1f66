// cut_timeline (the app-only tool the cut-timeline view calls) against a real sandbox through a real MCP client:
// paged with its cursors until none is left, it gives every kept segment and every kept word. The truth comes
// from the service's own files read by outside parsers: the OTIO export's clips (plain JSON) and the WebVTT
// subtitle's cue text (webvtt-parser).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { completedCut, useToolHarness } from "../../test/helpers/tool-harness.js";

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
  segment_count: number;
  word_count: number;
  next_step: string;
};

async function service(pathname: string): Promise<string> {
  const res = await fetch(`${h.sb.sandbox.baseUrl}${pathname}`, { headers: { authorization: `Bearer ${h.sb.sandbox.apiKey}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe("cut_timeline", () => {
  it("pages out every kept segment and word of a completed cut, as the OTIO and the VTT have them", async () => {
    const { cutId } = await completedCut(h);
    const segments: number[][] = [];
    const words: unknown[][] = [];
    let args: Record<string, unknown> = { cut_id: cutId };
    let page: Page;
    for (;;) {
      const r = await h.conn.call("cut_timeline", args);
      expect(r.isError, textOf(r)).toBeFalsy();
      page = r.structuredContent as Page;
      expect(page.cut_id).toBe(cutId);
      segments.push(...page.segments);
      words.push(...page.words);
      if (page.next_segment === null && page.next_word === null && page.next_script === null) break;
      args = { cut_id: cutId, segments_from: page.next_segment ?? undefined, words_from: page.next_word ?? undefined, script_from: page.next_script ?? undefined };
    }
    expect(page.state).toBe("completed");
    expect(page.next_step.length).toBeGreaterThan(5);

    const otio = JSON.parse(await service(`/v1/cuts/${cutId}/export?format=otio`)) as { tracks: { children: { OTIO_SCHEMA: string }[] } };
    const clips = (otio.tracks.children[0] as unknown as { children: { OTIO_SCHEMA: string }[] }).children.filter((c) => c.OTIO_SCHEMA.startsWith("Clip"));
    expect(page.segment_count).toBe(clips.length);
    expect(segments).toHaveLength(clips.length);
    for (const s of segments) expect(s[1]!).toBeGreaterThan(s[0]!);

    const vtt = new WebVTTParser().parse(await service(`/v1/cuts/${cutId}/subtitle/export?format=vtt`));
    const truth = vtt.cues.flatMap((c) => wordsOf(shown(c.tree.children)));
    expect(page.word_count).toBe(words.length);
    expect(words.flatMap((w) => wordsOf(String(w[2])))).toEqual(truth);
  });

  it("an unknown cut is named with the tool that gives cut ids", async () => {
    const r = await h.conn.call("cut_timeline", { cut_id: "00000000-0000-4000-8000-000000000000" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("cut_id");
    expect(textOf(r)).toContain("roughy_list");
  });
});
