// Subtitle text as a player shows it, in every script and with every character: words go through the cue
// builder and both writers, then through parsers nobody here wrote (webvtt-parser, which builds the cue's DOM as
// a browser does; srt-parser-2, whose text a player then reads for tags and ASS overrides, emulated below).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import SrtParser from "srt-parser-2";
import { buildCaptions, renderSubtitle } from "../../src/sandbox/media/subtitles/index.js";
import type { Word } from "../../src/sandbox/media/types.js";

interface VttNode {
  type: string;
  value?: unknown;
  children?: VttNode[];
}
const { WebVTTParser } = createRequire(import.meta.url)("webvtt-parser") as {
  WebVTTParser: new (entities?: Record<string, string>) => { parse(input: string): { cues: Array<{ tree: { children: VttNode[] } }>; errors: Array<{ message: string }> } };
};

// webvtt-parser's default table names references without their semicolon, so it shows "&amp;" as "&;"; the
// spec's references end with one (the parser matches a key with it first).
const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&lrm;": "\u200e", "&rlm;": "\u200f", "&nbsp;": "\u00a0" };

/** The text a WebVTT renderer shows: text nodes only, stamps and class spans gone. */
function vttShown(nodes: VttNode[]): string {
  return nodes.map((n) => (n.type === "text" ? String(n.value) : n.children ? vttShown(n.children) : "")).join("");
}

/** What a SubRip player shows: HTML-like tags and ASS override blocks are styling, not text. */
function srtShown(text: string): string {
  return text.replace(/<\/?[A-Za-z][^>]*>/g, "").replace(/\{\\[^}]*\}/g, "").replace(/\u200b/g, "");
}

function wordsOf(texts: string[], step = 0.3): Word[] {
  return texts.map((word, i) => ({ word, start: i * step, end: i * step + step * 0.8 }));
}

const CASES: Array<[string, string[], string]> = [
  ["markup-like words", ["Tom", "&", "Jerry", "<3", "<i>really</i>", "a<b", "x>y", "&amp;"], "Tom & Jerry <3 <i>really</i> a<b x>y &amp;"],
  ["ASS overrides and arrows", ["{\\an8}top", "then", "-->", "<--", "done"], "{\\an8}top then --> <-- done"],
  ["accents decomposed and composed", ["cafe\u0301", "café", "Ångström"], "café café Ångström"],
  ["Chinese without spaces", ["我们", "在", "二零一九年", "创立了", "公司。"], "我们在二零一九年创立了公司。"],
  ["Japanese with Latin", ["私は", "iPhone", "で", "撮影しました。"], "私は iPhone で撮影しました。"],
  ["Thai", ["สวัสดี", "ครับ"], "สวัสดีครับ"],
  ["Korean keeps its spaces", ["안녕하세요", "반갑습니다"], "안녕하세요 반갑습니다"],
  ["Arabic and Hebrew", ["مرحبا", "بكم", "שלום"], "مرحبا بكم שלום"],
  ["emoji sequences", ["👩🏽‍💻", "ok", "🇪🇸"], "👩🏽‍💻 ok 🇪🇸"],
  ["control characters", ["bell\u0007", "tab\there", "nul\u0000x"], "bell tab here nulx"],
];

describe("subtitle text is what the words say", () => {
  it.each(CASES)("%s", (_name, texts, shown) => {
    const captions = buildCaptions(wordsOf(texts), [{ start: 0, end: texts.length * 0.3 + 1 }]);
    const vtt = new WebVTTParser(ENTITIES).parse(renderSubtitle("vtt", captions));
    expect(vtt.errors).toEqual([]);
    expect(vtt.cues.map((c) => vttShown(c.tree.children)).join("\n").replace(/\n/g, " ")).toBe(shown);
    const srt = new SrtParser().fromSrt(renderSubtitle("srt", captions));
    expect(srt).toHaveLength(captions.length);
    expect(srt.map((c) => srtShown(c.text)).join("\n").replace(/\n/g, " ")).toBe(shown);
  });

  it("measures lines by what a reader sees: 30 Chinese characters are two lines of 15, not one", () => {
    const han = Array.from({ length: 30 }, () => "字");
    const [cue] = buildCaptions(wordsOf(han, 0.1), [{ start: 0, end: 20 }]);
    expect(cue!.lines.map((l) => Array.from(l).length)).toEqual([15, 15]);
    const emoji = Array.from({ length: 30 }, () => "👩🏽‍💻");
    const [e] = buildCaptions(wordsOf(emoji, 0.1), [{ start: 0, end: 20 }]);
    // Each is one grapheme of two columns plus a space: 14 to a line, not 5 (its 7 UTF-16 units each).
    expect(e!.lines[0]!.split(" ")).toHaveLength(14);
  });
});
