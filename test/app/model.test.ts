// The timeline's arithmetic (ui/src/model.ts): what the page prints and where it draws.
import { describe, expect, it } from "vitest";
import { clock, drawnLength, duration, gaps, parseTime, playableUrl, recordStart, spanAtRecord, spanAtSource, ticks, timecode, totals, diffRows, droppedByGap, reasonRuns, removedByReason, wordDiff, wordsBySpan } from "../../ui/src/model.js";

const SEGS = [
  { start: 1, end: 4 },
  { start: 6, end: 7 },
];

describe("timeline model", () => {
  it("totals: kept, removed share and joins", () => {
    expect(totals(SEGS, 10)).toEqual({ source: 10, kept: 4, removedShare: 0.6, joins: 1 });
    expect(totals([], 0)).toEqual({ source: 0, kept: 0, removedShare: 0, joins: 0 });
  });

  it("gaps: before, between and after the kept spans", () => {
    expect(gaps(SEGS, 10)).toEqual([
      { start: 0, end: 1 },
      { start: 4, end: 6 },
      { start: 7, end: 10 },
    ]);
    expect(gaps([{ start: 0, end: 5 }], 5)).toEqual([]);
    expect(drawnLength(SEGS, null)).toBe(7);
  });

  it("ticks leave room for their labels", () => {
    expect(ticks(30, 600)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(ticks(3600, 300).length).toBeLessThanOrEqual(6);
    expect(ticks(0, 300)).toEqual([0]);
  });

  it("clock and duration labels", () => {
    expect(clock(75.25)).toBe("1:15.3");
    expect(clock(5)).toBe("0:05.0");
    expect(clock(3723)).toBe("1:02:03");
    expect(clock(700)).toBe("11:40");
    expect(duration(2.44)).toBe("2.4 s");
    expect(duration(65)).toBe("1 min 05 s");
  });

  it("groups words by span and leaves out words in dropped gaps", () => {
    const words = [
      { start: 1.2, end: 1.5, text: "in1" },
      { start: 4.5, end: 4.8, text: "dropped" },
      { start: 6.1, end: 6.4, text: "in2" },
    ];
    expect(wordsBySpan(words, SEGS).map((g) => g.map((w) => w.text))).toEqual([["in1"], ["in2"]]);
  });

  it("plays only https URLs", () => {
    expect(playableUrl("https://cdn.example/r.mp4")).toEqual({ ok: true, url: "https://cdn.example/r.mp4" });
    expect(playableUrl("http://127.0.0.1:4010/files/r.mp4")).toMatchObject({ ok: false });
    expect(playableUrl(null)).toMatchObject({ ok: false });
    expect(playableUrl("not a url")).toMatchObject({ ok: false });
  });

  it("timecode: whole frames, and the record timeline from 01:00:00:00", () => {
    expect(timecode(0, 25)).toBe("00:00:00:00");
    expect(timecode(3723.52, 25)).toBe("01:02:03:13");
    expect(timecode(59.999, 30)).toBe("00:01:00:00");
    // 29.97 counts 30 frames a second (non-drop-frame)
    expect(timecode(1001 / 30000, 30000 / 1001)).toBe("00:00:00:01");
    expect(recordStart(SEGS, 0)).toBe(3600);
    expect(recordStart(SEGS, 1)).toBe(3603);
  });
});

describe("typed times", () => {
  it("reads frame timecode, clock times and seconds; refuses the rest", () => {
    expect(parseTime("01:00:02:12", 25)).toEqual({ seconds: 3602.48, timecode: true });
    expect(parseTime("65.5", 25)).toEqual({ seconds: 65.5, timecode: false });
    expect(parseTime("1:05.5", 25)).toEqual({ seconds: 65.5, timecode: false });
    expect(parseTime("1:00:05", 25)).toEqual({ seconds: 3605, timecode: false });
    expect(parseTime("00:00:01:25", 25)).toBeNull();
    expect(parseTime("soon", 25)).toBeNull();
  });

  it("finds the span at a source or record time", () => {
    expect(spanAtSource(SEGS, 2)).toEqual({ index: 0, inside: true });
    expect(spanAtSource(SEGS, 5)).toEqual({ index: 1, inside: false });
    expect(spanAtSource(SEGS, 8).index).toBe(-1);
    expect(spanAtRecord(SEGS, 0)).toBe(0);
    expect(spanAtRecord(SEGS, 3.5)).toBe(1);
    expect(spanAtRecord(SEGS, 4)).toBe(-1);
  });
});

describe("word diff", () => {
  it("marks the words removed and added between two cuts, comparing by key", () => {
    const a = "so we started in 2019 with three people".split(" ");
    const b = "we started in 2019 with just three people, um".split(" ");
    expect(wordDiff(a, b, (w) => w.toLowerCase().replace(/[^a-z0-9]/g, ""))).toEqual([
      { op: "del", words: ["so"] },
      { op: "same", words: ["we", "started", "in", "2019", "with"] },
      { op: "add", words: ["just"] },
      { op: "same", words: ["three", "people,"] },
      { op: "add", words: ["um"] },
    ]);
    expect(wordDiff([], ["a"])).toEqual([{ op: "add", words: ["a"] }]);
    expect(wordDiff(["a", "b"], ["a", "b"])).toEqual([{ op: "same", words: ["a", "b"] }]);
    // Past the memory bound the middle is all removed, then all added; the head and tail stay.
    expect(wordDiff(["x", "a", "b", "y"], ["x", "c", "y"], (w) => w, 4)).toEqual([
      { op: "same", words: ["x"] },
      { op: "del", words: ["a", "b"] },
      { op: "add", words: ["c"] },
      { op: "same", words: ["y"] },
    ]);
  });

  it("diffRows pairs a removal with the addition after it, so a replacement sits beside what it replaced", () => {
    const rows = diffRows(wordDiff("a b c d e".split(" "), "a x c e f".split(" ")));
    expect(rows).toEqual([
      { op: "same", old: ["a"], new: ["a"] },
      { op: "change", old: ["b"], new: ["x"] },
      { op: "same", old: ["c"], new: ["c"] },
      { op: "change", old: ["d"], new: [] },
      { op: "same", old: ["e"], new: ["e"] },
      { op: "change", old: [], new: ["f"] },
    ]);
    // Each side read alone is its own cut.
    expect(rows.flatMap((r) => r.old)).toEqual("a b c d e".split(" "));
    expect(rows.flatMap((r) => r.new)).toEqual("a x c e f".split(" "));
  });
});

describe("dropped words and their reasons", () => {
  const d = (start: number, text: string, reason: string, before: number) => ({ start, end: start + 0.3, text, reason, before });
  const dropped = [d(5, "so", "restart", 1), d(1, "um", "filler", 0), d(5.4, "we", "restart", 1), d(6, "uh", "filler", 1), d(20, "anyway", "cough", 3)];

  it("groups dropped words by the gap they sit in, in time order, and neighbours with one reason as one run", () => {
    const byGap = droppedByGap(dropped);
    expect([...byGap.keys()].sort()).toEqual([0, 1, 3]);
    expect(byGap.get(1)!.map((w) => w.text)).toEqual(["so", "we", "uh"]);
    expect(reasonRuns(byGap.get(1)!).map((r) => [r.reason, r.words.length])).toEqual([["restart", 2], ["filler", 1]]);
  });

  it("counts fillers by the word, restarts and asides by the run, empty gaps as pauses, unknown reasons as given", () => {
    const counts = removedByReason(droppedByGap(dropped), [0, 1, 2, 3, 4]);
    expect(counts.map((c) => c.label)).toEqual(["2 fillers", "1 restart", "1 cough", "2 pauses"]);
    expect(removedByReason(new Map(), [0, 1]).map((c) => c.label)).toEqual(["2 pauses"]);
    expect(removedByReason(droppedByGap([d(1, "x", "aside", 0), d(2, "y", "doubtful", 0)]), [0]).map((c) => c.label)).toEqual(["1 aside", "1 doubtful word"]);
  });
});
