import { describe, expect, it } from "vitest";
import { parseVttWords, toSourceTime, vttSeconds } from "./vtt-words.js";

const VTT = `WEBVTT

1
00:00:00.000 --> 00:00:02.000
Thanks <00:00:00.500>for <00:00:00.800>having
<00:00:01.200>me &amp; you

2
00:00:02.000 --> 00:00:03.500 align:start
<c>So</c> <00:00:02.400>we
`;

describe("parseVttWords", () => {
  it("reads karaoke stamps across lines, entities and tags; a word ends where the next starts", () => {
    const words = parseVttWords(VTT);
    expect(words.map((w) => w.text)).toEqual(["Thanks", "for", "having", "me", "&", "you", "So", "we"]);
    expect(words[0]).toEqual({ start: 0, end: 0.5, text: "Thanks" });
    expect(words[2]).toEqual({ start: 0.8, end: 1.2, text: "having" });
    // Unstamped words share the previous start and end at the cue's end.
    expect(words.slice(3, 6).map((w) => [w.start, w.end])).toEqual([[1.2, 2], [1.2, 2], [1.2, 2]]);
    expect(words[6]).toEqual({ start: 2, end: 2.4, text: "So" });
    expect(words[7]).toEqual({ start: 2.4, end: 3.5, text: "we" });
  });

  it("takes mm:ss and hh:mm:ss stamps, CRLF files, and ignores malformed cues", () => {
    expect(vttSeconds("01:02.500")).toBe(62.5);
    expect(vttSeconds("1:00:00.000")).toBe(3600);
    expect(parseVttWords("WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nHi there\r\n").map((w) => w.text)).toEqual(["Hi", "there"]);
    expect(parseVttWords("WEBVTT\n\n00:02.000 --> 00:01.000\nbackwards\n")).toEqual([]);
  });
});

describe("toSourceTime", () => {
  it("maps output time back through the kept segments", () => {
    const segments = [
      { start: 1, end: 3 },
      { start: 10, end: 11.5 },
    ];
    const words = [
      { start: 0, end: 0.5, text: "a" },
      { start: 1.9, end: 2.05, text: "b" }, // mostly in the first, runs past its end: clamped
      { start: 1.99, end: 2.4, text: "early" }, // stamped 10 ms before the join: still the second segment
      { start: 2, end: 2.5, text: "c" }, // exactly at the join: the second segment
      { start: 3.2, end: 3.5, text: "d" },
      { start: 4, end: 4.2, text: "beyond" },
    ];
    expect(toSourceTime(words, segments)).toEqual([
      { start: 1, end: 1.5, text: "a", span: 0 },
      { start: 2.9, end: 3, text: "b", span: 0 },
      { start: 10, end: 10.4, text: "early", span: 1 },
      { start: 10, end: 10.5, text: "c", span: 1 },
      { start: 11.2, end: 11.5, text: "d", span: 1 },
    ]);
  });
});
