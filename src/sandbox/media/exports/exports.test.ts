import { describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { type ExportInput, FRAME_BASED_FORMATS, isExportFormat, parseExport, renderExport } from "./index.js";
import { parseXml } from "./xml-lite.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function xml(body: string): Loose {
  expect(XMLValidator.validate(body)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (n) => ["track", "clipitem", "asset-clip"].includes(n) }).parse(body);
}

function eventLines(edl: string): string[][] {
  return edl
    .split("\n")
    .filter((l) => /^\d{3}/.test(l))
    .map((l) => l.split(/\s+/));
}

const VIDEO: ExportInput = {
  segments: [
    { start: 1, end: 2.5 },
    { start: 4, end: 6 },
  ],
  source: { filename: "talk.mp4", duration: 10, media_type: "video", frame_rate: 25, width: 1920, height: 1080, sample_rate: 48000 },
  frameRate: 25,
  title: "talk rough cut",
};

const AUDIO: ExportInput = {
  segments: [{ start: 0.5, end: 3 }],
  source: { filename: "pod.m4a", duration: 8, media_type: "audio", frame_rate: null, sample_rate: 44100, has_audio: true, has_video: false },
  frameRate: 30,
  title: "pod",
};

describe("renderExport", () => {
  it("answers the content types and extensions of the contract", () => {
    expect(
      (["edl", "xmeml", "fcpxml", "otio"] as const).map((f) => {
        const r = renderExport(f, VIDEO);
        return [r.contentType, r.extension];
      }),
    ).toEqual([
      ["text/plain", "edl"],
      ["application/xml", "xml"],
      ["application/xml", "fcpxml"],
      ["application/json", "otio"],
    ]);
    expect(FRAME_BASED_FORMATS).toEqual(["edl", "xmeml", "fcpxml"]);
    expect(isExportFormat("otio")).toBe(true);
    expect(isExportFormat("aaf")).toBe(false);
  });

  it("rejects a frame rate that is not a positive number", () => {
    expect(() => renderExport("edl", { ...VIDEO, frameRate: 0 })).toThrow(RangeError);
    expect(() => renderExport("edl", { ...VIDEO, frameRate: Number.NaN })).toThrow(RangeError);
  });

  it("audio-only media: AA events, audio tracks only, a format without a size", () => {
    const edl = renderExport("edl", AUDIO).body;
    expect(eventLines(edl)).toEqual([["001", "AX", "AA", "C", "00:00:00:15", "00:00:03:00", "01:00:00:00", "01:00:02:15"]]);

    const seq = xml(renderExport("xmeml", AUDIO).body).xmeml.sequence;
    expect(seq.media.video.track).toBeUndefined();
    expect(seq.media.video.format.samplecharacteristics.rate).toEqual({ timebase: 30, ntsc: "FALSE" });
    expect(seq.media.audio.track[0].clipitem).toHaveLength(1);
    const file = seq.media.audio.track[0].clipitem[0].file;
    expect(file.media.video).toBeUndefined();
    expect(file.media.audio.samplecharacteristics.samplerate).toBe(44100);

    const f = xml(renderExport("fcpxml", AUDIO).body).fcpxml;
    expect(f.resources.format).toEqual({ "@_id": "r1", "@_frameDuration": "100/3000s" });
    expect(f.resources.asset["@_hasVideo"]).toBe("0");
    expect(f.library.event.project.sequence["@_audioRate"]).toBe("44.1k");

    const otio = JSON.parse(renderExport("otio", AUDIO).body) as Loose;
    expect(otio.tracks.children.map((t: Loose) => t.kind)).toEqual(["Audio"]);
  });

  it("video without audio: V events and no audio track", () => {
    const input: ExportInput = { ...VIDEO, source: { ...VIDEO.source, has_audio: false } };
    expect(eventLines(renderExport("edl", input).body).map((e) => e[2])).toEqual(["V", "V"]);
    expect(xml(renderExport("xmeml", input).body).xmeml.sequence.media.audio).toBeUndefined();
    expect(JSON.parse(renderExport("otio", input).body).tracks.children.map((t: Loose) => t.kind)).toEqual(["Video"]);
  });

  it("drop-frame media timecode: DF throughout, source timecode offset by the media's start", () => {
    const F = 1001 / 30000;
    const input: ExportInput = {
      segments: [{ start: 30 * F, end: 90 * F }],
      source: { filename: "cam.mov", duration: 300 * F, media_type: "video", frame_rate: 30000 / 1001, start_timecode: "00:59:59;28" },
      frameRate: 29.97,
      title: "df",
    };
    const edl = renderExport("edl", input).body;
    expect(edl).toContain("FCM: DROP FRAME");
    // 00:59:59;28 is frame 107890, two frames before 01:00:00;00 (minute 60 is a tenth: nothing dropped).
    expect(eventLines(edl)[0]).toEqual(["001", "AX", "AA/V", "C", "01:00:00;28", "01:00:02;28", "01:00:00;00", "01:00:02;00"]);
    expect(parseExport("edl", edl, { frameRate: 29.97, sourceStartTimecode: "00:59:59;28" })[0]?.start).toBeCloseTo(30 * F, 9);

    const x = xml(renderExport("xmeml", input).body).xmeml.sequence;
    expect(x.timecode.displayformat).toBe("DF");
    expect(x.timecode.string).toBe("01:00:00;00");
    const file = x.media.video.track[0].clipitem[0].file;
    expect([file.timecode.string, file.timecode.frame]).toEqual(["00:59:59;28", 107890]);
    expect(x.media.video.track[0].clipitem[0].in).toBe(30);

    const f = xml(renderExport("fcpxml", input).body).fcpxml;
    expect(f.resources.asset["@_start"]).toBe(`${107890 * 1001}/30000s`);
    expect(f.library.event.project.sequence.spine["asset-clip"][0]["@_start"]).toBe(`${107920 * 1001}/30000s`);
    expect(f.library.event.project.sequence["@_tcFormat"]).toBe("DF");

    const otio = JSON.parse(renderExport("otio", input).body) as Loose;
    const clip = otio.tracks.children[0].children[0];
    expect(clip.source_range.start_time.value).toBe(107920);
    expect(clip.media_references.DEFAULT_MEDIA.available_range.start_time.value).toBe(107890);

    for (const format of ["xmeml", "fcpxml", "otio"] as const) {
      const [seg] = parseExport(format, renderExport(format, input).body);
      expect(seg?.start, format).toBeCloseTo(30 * F, 9);
      expect(seg?.end, format).toBeCloseTo(90 * F, 9);
    }
  });

  it("non-drop media timecode at 25 fps starts the source at the media's own label", () => {
    const input: ExportInput = { ...VIDEO, source: { ...VIDEO.source, start_timecode: "10:00:00:00" } };
    const edl = renderExport("edl", input).body;
    expect(edl).toContain("FCM: NON-DROP FRAME");
    expect(eventLines(edl)[0]?.slice(4)).toEqual(["10:00:01:00", "10:00:02:13", "01:00:00:00", "01:00:01:13"]);
  });

  it("an empty cut still gives valid files with no events", () => {
    const input = { ...VIDEO, segments: [] };
    expect(eventLines(renderExport("edl", input).body)).toEqual([]);
    expect(xml(renderExport("xmeml", input).body).xmeml.sequence.duration).toBe(0);
    expect(xml(renderExport("fcpxml", input).body).fcpxml.library.event.project.sequence["@_duration"]).toBe("0s");
    for (const f of ["edl", "xmeml", "fcpxml", "otio"] as const) expect(parseExport(f, renderExport(f, input).body, { frameRate: 25 })).toEqual([]);
  });

  it("keeps names safe: escaped in XML, one line in the EDL, encoded in URLs", () => {
    const input: ExportInput = { ...VIDEO, source: { ...VIDEO.source, filename: "a&b <c>.mp4" }, title: "line1\nline2 & <x>" };
    const edl = renderExport("edl", input).body;
    expect(edl.split("\n").slice(0, 2)).toEqual(["TITLE: line1 line2 & <x>", "FCM: NON-DROP FRAME"]);
    expect(edl).toContain("* FROM CLIP NAME: a&b <c>.mp4\n");
    const x = xml(renderExport("xmeml", input).body).xmeml.sequence;
    expect(x.media.video.track[0].clipitem[0].file.pathurl).toBe("file://localhost/a%26b%20%3Cc%3E.mp4");
    const otio = JSON.parse(renderExport("otio", input).body) as Loose;
    expect(otio.name).toBe("line1\nline2 & <x>");
    expect(otio.tracks.children[0].children[0].media_references.DEFAULT_MEDIA.target_url).toBe("file:///a%26b%20%3Cc%3E.mp4");
  });

  it("OTIO carries the dropped words in the timeline's metadata: by start, ms, file seconds even with a timecode", () => {
    const dropped = [
      { word: "sorry", start: 2.6004, end: 3.1, reason: "aside" },
      { word: "um", start: 0.2, end: 0.55549, reason: "filler" },
      { word: "\uE000double:7", start: 7, end: 7.2, reason: "doubtful" },
    ];
    const input: ExportInput = { ...VIDEO, source: { ...VIDEO.source, start_timecode: "10:00:00:00" }, dropped };
    const otio = JSON.parse(renderExport("otio", input).body) as Loose;
    expect(otio.metadata).toEqual({
      roughy: {
        dropped_words: [
          { start: 0.2, end: 0.555, text: "um", reason: "filler" },
          { start: 2.6, end: 3.1, text: "sorry", reason: "aside" },
          { start: 7, end: 7.2, text: "double:7", reason: "doubtful" },
        ],
      },
    });
    // the clips still start at the media's timecode: only the words are on the file's clock
    expect(otio.tracks.children[0].children[0].source_range.start_time.value).toBe(10 * 3600 * 25 + 25);
    // none dropped is said, not left out; not recorded leaves the metadata as OTIO writes it
    expect(JSON.parse(renderExport("otio", { ...VIDEO, dropped: [] }).body).metadata).toEqual({ roughy: { dropped_words: [] } });
    expect(JSON.parse(renderExport("otio", { ...VIDEO, dropped: null }).body).metadata).toEqual({});
    expect(JSON.parse(renderExport("otio", VIDEO).body).metadata).toEqual({});
    for (const f of FRAME_BASED_FORMATS) expect(renderExport(f, { ...VIDEO, dropped }).body).toBe(renderExport(f, VIDEO).body);
  });

  it("clamps segments to the media and drops slivers", () => {
    const input: ExportInput = { ...VIDEO, segments: [{ start: 2, end: 2.01 }, { start: 9, end: 12 }] };
    expect(parseExport("otio", renderExport("otio", input).body)).toEqual([{ start: 9, end: 10 }]);
  });
});

describe("xml-lite", () => {
  it("reads elements, attributes, entities and self-closing tags, and rejects broken XML", () => {
    const doc = parseXml(`<?xml version="1.0"?><!DOCTYPE x><!-- c --><a k='1 &amp; 2'><b>x &lt; y&#33;</b><c/></a>`);
    const a = doc.children[0];
    expect(a?.attrs).toEqual({ k: "1 & 2" });
    expect(a?.children.map((c) => [c.name, c.text])).toEqual([
      ["b", "x < y!"],
      ["c", ""],
    ]);
    expect(() => parseXml("<a><b></a>")).toThrow(SyntaxError);
    expect(() => parseXml("<a>")).toThrow(SyntaxError);
    expect(() => parseXml("<a><!-- open")).toThrow(SyntaxError);
  });
});
