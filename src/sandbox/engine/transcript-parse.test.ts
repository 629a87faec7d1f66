import { describe, expect, it } from "vitest";
import { parseTranscript, TranscriptParseError } from "./transcript-parse.js";

describe("parseTranscript: JSON", () => {
  it("reads {words:[...]} and bare arrays, sorted by time", () => {
    const body = JSON.stringify({ words: [{ word: "world", start: 0.5, end: 0.9 }, { word: "hello", start: 0, end: 0.4, confidence: 0.9 }] });
    expect(parseTranscript(body, "application/json; charset=utf-8")).toEqual([
      { word: "hello", start: 0, end: 0.4, confidence: 0.9 },
      { word: "world", start: 0.5, end: 0.9 },
    ]);
    expect(parseTranscript('[{"word":"hi","start":1,"end":1.2}]', "application/json")).toEqual([{ word: "hi", start: 1, end: 1.2 }]);
  });
  it("rejects bad shapes with a message naming the field", () => {
    expect(() => parseTranscript("{", "application/json")).toThrow(TranscriptParseError);
    expect(() => parseTranscript('{"text":"hi"}', "application/json")).toThrow(/words/);
    expect(() => parseTranscript('[{"word":"hi","start":2,"end":1}]', "application/json")).toThrow(/words\[0\]\.end/);
    expect(() => parseTranscript('[{"word":"","start":0,"end":1}]', "application/json")).toThrow(/words\[0\]\.word/);
    expect(() => parseTranscript('[{"word":"a","start":-1,"end":1}]', "application/json")).toThrow(/start/);
  });
  it("rejects an unknown content type", () => {
    expect(() => parseTranscript("x", "image/png")).toThrow(/Unsupported transcript content type/);
  });
});

describe("parseTranscript: SubRip", () => {
  it("spreads each cue's time over its words by length", () => {
    const srt = "1\n00:00:01,000 --> 00:00:02,000\nab abcd\n\n2\r\n00:00:03,000 --> 00:00:03,500\r\n<i>ok</i>\r\n";
    const w = parseTranscript(srt, "application/x-subrip");
    expect(w.map((x) => x.word)).toEqual(["ab", "abcd", "ok"]);
    expect(w[0]).toMatchObject({ start: 1, end: 1.333 });
    expect(w[1]).toMatchObject({ start: 1.333, end: 2 });
    expect(w[2]).toMatchObject({ start: 3, end: 3.5 });
  });
  it("rejects bad timings and empty files", () => {
    expect(() => parseTranscript("1\n00:00:02,000 --> 00:00:01,000\nx\n", "application/x-subrip")).toThrow(/Bad cue timing on line 2/);
    expect(() => parseTranscript("hello", "application/x-subrip")).toThrow(/No cues/);
  });
});

describe("parseTranscript: WebVTT", () => {
  it("uses inline word timestamps when present", () => {
    const vtt = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Ann>Thanks <00:01.500><c>for</c> <00:02.000><c>having me</c>\n";
    expect(parseTranscript(vtt, "text/vtt")).toEqual([
      { word: "Thanks", start: 1, end: 1.5 },
      { word: "for", start: 1.5, end: 2 },
      { word: "having", start: 2, end: 2.75 },
      { word: "me", start: 2.75, end: 3 },
    ]);
  });
  it("needs the WEBVTT header and sniffs formats for text/plain", () => {
    expect(() => parseTranscript("00:01.000 --> 00:02.000\nx\n", "text/vtt")).toThrow(/WEBVTT/);
    expect(parseTranscript("WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\nhi\n", "text/plain")).toEqual([{ word: "hi", start: 1, end: 2 }]);
    expect(parseTranscript('{"words":[]}', "")).toEqual([]);
  });
});
