import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Segment, Word } from "../types.js";
import {
  CAPTION_RULES,
  type Caption,
  buildCaptions,
  layoutLines,
  parseSrt,
  parseVtt,
  remapWords,
  renderSubtitle,
} from "./index.js";

// webvtt-parser ships no types: the slice of its API used here.
interface VttParseResult {
  cues: Array<{ startTime: number; endTime: number; text: string; tree: { children: Array<{ type: string; value: unknown }> } }>;
  errors: Array<{ message: string; line: number }>;
}
const { WebVTTParser } = createRequire(import.meta.url)("webvtt-parser") as {
  WebVTTParser: new () => { parse(input: string, mode?: string): VttParseResult };
};

function validateVtt(text: string): VttParseResult {
  // Default mode (not "metadata"), so inline timestamps and escapes are checked.
  return new WebVTTParser().parse(text);
}

function timestampsOf(cue: VttParseResult["cues"][number]): number[] {
  const out: number[] = [];
  const walk = (nodes: Array<{ type: string; value: unknown; children?: unknown }>) => {
    for (const n of nodes) {
      if (n.type === "timestamp") out.push(n.value as number);
      if (Array.isArray(n.children)) walk(n.children as typeof nodes);
    }
  };
  walk(cue.tree.children);
  return out;
}

/** Words spoken back to back from `t0`, each `dur` long with `gap` between. */
function speak(text: string, t0 = 0, dur = 0.3, gap = 0.05): Word[] {
  let t = t0;
  return text.split(" ").map((word) => {
    const w = { word, start: t, end: t + dur };
    t += dur + gap;
    return w;
  });
}

describe("remapWords", () => {
  const segments: Segment[] = [
    { start: 1, end: 3 },
    { start: 5, end: 8 },
  ];

  it("moves words to r + (t - s) and drops words outside kept segments", () => {
    const words: Word[] = [
      { word: "cut", start: 0.2, end: 0.6 },
      { word: "one", start: 1.5, end: 1.8 },
      { word: "gone", start: 3.5, end: 4.5 },
      { word: "two", start: 5.25, end: 5.5 },
    ];
    expect(remapWords(words, segments)).toEqual([
      { text: "one", start: 0.5, end: 0.8, segment: 0 },
      { text: "two", start: 2.25, end: 2.5, segment: 1 },
    ]);
  });

  it("keeps a straddling word when at least half of it was kept, clipped to the segment", () => {
    const words: Word[] = [
      { word: "mostly-in", start: 2.8, end: 3.1 }, // 0.2 of 0.3 kept
      { word: "mostly-out", start: 4.8, end: 5.1 }, // 0.1 of 0.3 kept
    ];
    expect(remapWords(words, segments)).toEqual([{ text: "mostly-in", start: expect.closeTo(1.8, 9), end: 2, segment: 0 }]);
  });

  it("snaps to the render's frame grid when given the frame rate", () => {
    // 1.01 s at 25 fps snaps to frame 25 (1.00 s): the word lands 0.01 s later on the output.
    const words: Word[] = [{ word: "x", start: 1.5, end: 1.6 }];
    expect(remapWords(words, [{ start: 1.01, end: 2 }])[0]?.start).toBeCloseTo(0.49, 9);
    expect(remapWords(words, [{ start: 1.01, end: 2 }], { frameRate: 25 })[0]?.start).toBeCloseTo(0.5, 9);
  });

  it("property: remapped words lie inside the output timeline, in order, never across a join", () => {
    const arb = fc.record({
      segs: fc.array(fc.tuple(fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true })), {
        maxLength: 12,
      }),
      words: fc.array(fc.tuple(fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true })), {
        maxLength: 80,
      }),
    });
    fc.assert(
      fc.property(arb, ({ segs, words }) => {
        let t = 0;
        const segments = segs.map(([gap, len]) => {
          const start = t + gap;
          t = start + len;
          return { start, end: t };
        });
        const recStarts: number[] = [];
        let total = 0;
        for (const s of segments) {
          recStarts.push(total);
          total += s.end - s.start;
        }
        const ws = words.map(([start, len], i) => ({ word: `w${i}`, start, end: start + len }));
        const out = remapWords(ws, segments);
        let prev = -Infinity;
        for (const w of out) {
          expect(w.start).toBeGreaterThanOrEqual(prev);
          prev = w.start;
          expect(w.start).toBeGreaterThanOrEqual(0);
          expect(w.end).toBeLessThanOrEqual(total + 1e-9);
          expect(w.end).toBeGreaterThanOrEqual(w.start);
          const segStart = recStarts[w.segment] as number;
          const seg = segments[w.segment] as Segment;
          // Within its own segment's record span: it never crosses a join.
          expect(w.start).toBeGreaterThanOrEqual(segStart - 1e-9);
          expect(w.end).toBeLessThanOrEqual(segStart + (seg.end - seg.start) + 1e-9);
        }
        // Every word that lies wholly inside a kept segment survives.
        const inside = ws.filter((w) => segments.some((s) => w.start >= s.start && w.end < s.end && w.end > w.start));
        expect(out.length).toBeGreaterThanOrEqual(inside.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe("layoutLines", () => {
  it("keeps short text on one line and splits long text evenly into two", () => {
    expect(layoutLines(["Thanks", "for", "having", "me."])).toEqual(["Thanks for having me."]);
    const lines = layoutLines("We started the company because editing takes too long and nobody".split(" "));
    expect(lines).toHaveLength(2);
    for (const l of lines ?? []) expect(l.length).toBeLessThanOrEqual(42);
  });
  it("refuses text that does not fit two lines", () => {
    expect(layoutLines("a".repeat(40).split("").concat("b".repeat(50).split("")))).toBeNull();
  });
});

describe("buildCaptions", () => {
  it("splits at sentence ends, pauses and segment joins", () => {
    const words = [
      ...speak("Thanks for having me.", 0),
      ...speak("So we started", 1.5),
      ...speak("after a long pause", 4),
      ...speak("in the next segment", 10.2),
    ];
    const caps = buildCaptions(words, [
      { start: 0, end: 10 },
      { start: 10.1, end: 20 },
    ]);
    expect(caps.map((c) => c.lines.join(" | "))).toEqual([
      "Thanks for having me.",
      "So we started",
      "after a long pause",
      "in the next segment",
    ]);
    // The last cue starts after the join (record 10 s) at 10 + (10.2 - 10.1).
    expect(caps[3]?.start).toBeCloseTo(10.1, 9);
    expect(caps[2]?.end).toBeLessThanOrEqual(10);
  });

  it("holds short cues for the minimum duration, but not past the next cue or the join", () => {
    const caps = buildCaptions(
      [
        { word: "Yes.", start: 1, end: 1.2 },
        { word: "No.", start: 1.5, end: 1.7 },
        { word: "End.", start: 5, end: 5.2 },
      ],
      [
        { start: 0, end: 4 },
        { start: 4.9, end: 6 },
      ],
    );
    expect(caps.map((c) => [c.start, c.end])).toEqual([
      [1, 1.5],
      [1.5, 2.5],
      [4.1, 5.1],
    ]);
  });

  it("a cut without words has no cues, and each format still gives a valid file", () => {
    expect(buildCaptions([], [{ start: 0, end: 5 }])).toEqual([]);
    expect(renderSubtitle("srt", [])).toBe("");
    const vtt = renderSubtitle("vtt", []);
    expect(vtt.startsWith("WEBVTT")).toBe(true);
    const r = validateVtt(vtt);
    expect(r.errors).toEqual([]);
    expect(r.cues).toEqual([]);
  });

  it("property: cues respect line length, line count, durations, order and joins", () => {
    const vocab = ["so", "we", "started", "the", "company", "because", "editing", "takes", "too", "long.", "honestly,", "um", "extraordinarily", "okay?"];
    const arb = fc.record({
      words: fc.array(
        fc.tuple(fc.constantFrom(...vocab), fc.double({ min: 0.02, max: 1.2, noNaN: true }), fc.double({ min: 0.05, max: 0.8, noNaN: true })),
        { maxLength: 200 },
      ),
      cuts: fc.array(fc.tuple(fc.double({ min: 0, max: 4, noNaN: true }), fc.double({ min: 0.2, max: 12, noNaN: true })), {
        minLength: 1,
        maxLength: 10,
      }),
    });
    fc.assert(
      fc.property(arb, ({ words, cuts }) => {
        let t = 0;
        const ws: Word[] = words.map(([word, gap, dur]) => {
          const start = t + gap;
          t = start + dur;
          return { word, start, end: t };
        });
        t = 0;
        const segments = cuts.map(([gap, len]) => {
          const start = t + gap;
          t = start + len;
          return { start, end: t };
        });
        const joins: number[] = [];
        let rec = 0;
        for (const s of segments) {
          rec += s.end - s.start;
          joins.push(rec);
        }
        const caps = buildCaptions(ws, segments);
        let prevEnd = 0;
        for (const c of caps) {
          expect(c.lines.length).toBeGreaterThanOrEqual(1);
          expect(c.lines.length).toBeLessThanOrEqual(CAPTION_RULES.maxLines);
          for (const l of c.lines) if (l.includes(" ")) expect(l.length).toBeLessThanOrEqual(CAPTION_RULES.maxLineChars);
          expect(c.lines.join(" ")).toBe(c.words.map((w) => w.text).join(" "));
          expect(c.start).toBeGreaterThanOrEqual(prevEnd - 1e-9);
          expect(c.end).toBeGreaterThan(c.start);
          const spoken = Math.max(...c.words.map((w) => w.end)) - c.start;
          expect(spoken).toBeLessThanOrEqual(Math.max(CAPTION_RULES.maxDuration, ...c.words.map((w) => w.end - w.start)) + 1e-9);
          // No cue spans a join.
          for (const j of joins) expect(c.start < j - 1e-9 && c.end > j + 1e-9).toBe(false);
          prevEnd = c.end;
        }
        // And the karaoke file made from them is valid WebVTT with increasing stamps inside each cue.
        const vtt = renderSubtitle("vtt", caps);
        const parsed = validateVtt(vtt);
        expect(parsed.errors).toEqual([]);
        expect(parsed.cues).toHaveLength(caps.length);
        parsed.cues.forEach((cue) => {
          let prev = cue.startTime;
          for (const ts of timestampsOf(cue)) {
            expect(ts).toBeGreaterThan(prev);
            expect(ts).toBeLessThan(cue.endTime);
            prev = ts;
          }
        });
        // SRT reads back to the same cues, millisecond for millisecond.
        const srt = parseSrt(renderSubtitle("srt", caps));
        expect(srt).toHaveLength(caps.length);
        srt.forEach((cue, i) => {
          expect(Math.abs(cue.start - (caps[i] as Caption).start)).toBeLessThanOrEqual(0.0005 + 1e-9);
          expect(cue.lines).toEqual((caps[i] as Caption).lines);
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe("renderSubtitle", () => {
  const caps: Caption[] = [
    {
      start: 0,
      end: 2,
      lines: ["Hello brave", "new world"],
      words: [
        { text: "Hello", start: 0, end: 0.4 },
        { text: "brave", start: 0.48, end: 0.9 },
        { text: "new", start: 1.02, end: 1.3 },
        { text: "world", start: 1.4, end: 1.9 },
      ],
    },
    {
      start: 2,
      end: 3.5,
      lines: ["Tom & Jerry <3 -->"],
      words: [
        { text: "Tom", start: 2, end: 2.2 },
        { text: "&", start: 2.2, end: 2.3 },
        { text: "Jerry", start: 2.3, end: 2.6 },
        { text: "<3", start: 2.6, end: 2.8 },
        { text: "-->", start: 2.8, end: 3.6 },
      ],
    },
  ];

  it("writes SubRip: index, comma timings, text, blank line", () => {
    expect(renderSubtitle("srt", caps)).toBe(
      "1\n00:00:00,000 --> 00:00:02,000\nHello brave\nnew world\n\n2\n00:00:02,000 --> 00:00:03,500\nTom & Jerry <3 --\u200b>\n",
    );
  });

  it("writes WebVTT with karaoke stamps, none before the first word, text escaped", () => {
    const vtt = renderSubtitle("vtt", caps);
    expect(vtt).toBe(
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nHello <00:00:00.480>brave\n<00:00:01.020>new <00:00:01.400>world\n\n" +
        "2\n00:00:02.000 --> 00:00:03.500\nTom <00:00:02.200>&amp; <00:00:02.300>Jerry <00:00:02.600>&lt;3 <00:00:02.800>--&gt;\n",
    );
    const r = validateVtt(vtt);
    expect(r.errors).toEqual([]);
    expect(r.cues.map((c) => timestampsOf(c))).toEqual([
      [0.48, 1.02, 1.4],
      [2.2, 2.3, 2.6, 2.8],
    ]);
    const back = parseVtt(vtt);
    expect(back[1]?.lines).toEqual(["Tom & Jerry <3 -->"]);
    expect(back[0]?.words.map((w) => [w.word, w.start])).toEqual([
      ["Hello", 0],
      ["brave", 0.48],
      ["new", 1.02],
      ["world", 1.4],
    ]);
  });

  it("omits stamps that would not be strictly increasing or inside the cue", () => {
    const vtt = renderSubtitle("vtt", [
      {
        start: 1,
        end: 2,
        lines: ["a b c d"],
        words: [
          { text: "a", start: 1, end: 1.1 },
          { text: "b", start: 1, end: 1.1 }, // at the cue start: no stamp
          { text: "c", start: 1.5, end: 1.6 },
          { text: "d", start: 2, end: 2.1 }, // at the cue end: no stamp
        ],
      },
    ]);
    expect(vtt).toContain("a b <00:00:01.500>c d\n");
    expect(validateVtt(vtt).errors).toEqual([]);
  });
});

describe("parsers", () => {
  it("read SRT with CRLF, a BOM and styling tags", () => {
    const cues = parseSrt("\uFEFF1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>Hello</i> there\r\n\r\n2\r\n00:00:04,500 --> 00:00:05,000\r\nBye\r\n");
    expect(cues.map((c) => [c.start, c.end, c.words.map((w) => w.word)])).toEqual([
      [1, 3, ["Hello", "there"]],
      [4.5, 5, ["Bye"]],
    ]);
    expect(cues[0]?.words[1]).toEqual({ word: "there", start: 2, end: 3 });
  });

  it("read WebVTT with hour-less times, settings and NOTE blocks; reject non-WebVTT", () => {
    const cues = parseVtt("WEBVTT - demo\n\nNOTE a comment\n\n00:01.000 --> 00:02.500 align:start\n<v Bob>Hi &amp; bye</v>\n");
    expect(cues).toEqual([
      {
        start: 1,
        end: 2.5,
        lines: ["Hi & bye"],
        words: [
          { word: "Hi", start: 1, end: 1.5 },
          { word: "&", start: 1.5, end: 2 },
          { word: "bye", start: 2, end: 2.5 },
        ],
      },
    ]);
    expect(() => parseVtt("1\n00:00:01,000 --> 00:00:02,000\nx\n")).toThrow(SyntaxError);
  });
});
