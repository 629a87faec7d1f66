// The OTIO reader: clips become kept segments, gaps and transitions are skipped, rates and schema versions
// vary, and anything that is not a timeline is an error with a short reason.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { segmentsFromOtio } from "./segments.js";

const rt = (value: number, rate: number) => ({ OTIO_SCHEMA: "RationalTime.1", value, rate });
const clip = (start: number, dur: number, rate = 25, schema = "Clip.2") => ({
  OTIO_SCHEMA: schema,
  name: "c",
  source_range: { OTIO_SCHEMA: "TimeRange.1", start_time: rt(start * rate, rate), duration: rt(dur * rate, rate) },
  media_reference: { OTIO_SCHEMA: "ExternalReference.1", available_range: { start_time: rt(0, rate), duration: rt(60 * rate, rate) } },
});

function timeline(children: unknown[], kind = "Video", extra: unknown[] = [], metadata: unknown = {}) {
  return JSON.stringify({
    OTIO_SCHEMA: "Timeline.1",
    metadata,
    tracks: { OTIO_SCHEMA: "Stack.1", children: [{ OTIO_SCHEMA: "Track.1", kind, children }, ...extra] },
  });
}

describe("segmentsFromOtio", () => {
  it("reads clips as source segments and skips gaps and transitions", () => {
    const gap = { OTIO_SCHEMA: "Gap.1", source_range: { start_time: rt(0, 25), duration: rt(25, 25) } };
    const transition = { OTIO_SCHEMA: "Transition.1" };
    const s = segmentsFromOtio(timeline([clip(1, 2), gap, transition, clip(5.5, 1.5)]));
    expect(s.segments).toEqual([
      { start: 1, end: 3 },
      { start: 5.5, end: 7 },
    ]);
    expect(s.count).toBe(2);
    expect(s.kept_seconds).toBe(3.5);
    expect(s.source_seconds).toBe(60);
  });

  it("handles NTSC rates and older schema versions; prefers the video track", () => {
    const audio = { OTIO_SCHEMA: "Track.1", kind: "Audio", children: [clip(0, 50, 48000, "Clip.1")] };
    const s = segmentsFromOtio(timeline([clip(1001 / 30000 * 30, 2, 30000 / 1001, "Clip.1")], "Video", [audio]));
    expect(s.count).toBe(1);
    expect(s.segments[0]!.start).toBeCloseTo(1.001, 3);
    expect(s.segments[0]!.end).toBeCloseTo(3.001, 3);
  });

  it("reads an audio-only timeline", () => {
    expect(segmentsFromOtio(timeline([clip(0, 4, 48000)], "Audio")).kept_seconds).toBe(4);
  });

  it("an empty cut has no segments", () => {
    expect(segmentsFromOtio(timeline([])).count).toBe(0);
  });

  it("rejects what is not a timeline", () => {
    expect(() => segmentsFromOtio("not json")).toThrow(/not JSON/);
    expect(() => segmentsFromOtio("[]")).toThrow(/not a timeline/);
    expect(() => segmentsFromOtio(JSON.stringify({ OTIO_SCHEMA: "Timeline.1", tracks: { children: [] } }))).toThrow(/no track/);
  });
});

describe("segments are seconds from the file's start", () => {
  it("for media with a timecode track too, with the timecode given apart", () => {
    const tc = (value: number) => rt(value, 25);
    const withTc = {
      ...clip(1, 2),
      source_range: { OTIO_SCHEMA: "TimeRange.1", start_time: tc(3601 * 25), duration: tc(2 * 25) },
      media_reference: { OTIO_SCHEMA: "ExternalReference.1", available_range: { start_time: tc(3600 * 25), duration: tc(60 * 25) } },
    };
    const s = segmentsFromOtio(timeline([withTc]));
    expect(s.segments).toEqual([{ start: 1, end: 3 }]);
    expect(s.source_timecode).toEqual({ seconds: 3600, frames: 90000, rate: 25 });
    expect(segmentsFromOtio(timeline([clip(1, 2)])).source_timecode).toBeNull();
  });
});

describe("dropped words", () => {
  // The checked reference example (written by OpenTimelineIO 0.18) sits beside the repository in development.
  const reference = fileURLToPath(new URL("../../../shared/reference/examples/cut.otio", import.meta.url));
  it.skipIf(!existsSync(reference))("are absent (null: reasons not given) in OpenTimelineIO's own file of a cut", () => {
    const s = segmentsFromOtio(readFileSync(reference, "utf8"));
    expect(s.count).toBe(2);
    expect(s.dropped).toBeNull();
  });

  it("are absent (null) when the timeline's metadata has no list of ours", () => {
    expect(segmentsFromOtio(timeline([clip(1, 2)])).dropped).toBeNull();
    expect(segmentsFromOtio(timeline([clip(1, 2)], "Video", [], { fcp_xml: { x: 1 } })).dropped).toBeNull();
    expect(segmentsFromOtio(timeline([clip(1, 2)], "Video", [], { roughy: {} })).dropped).toBeNull();
  });

  it("are read by start; malformed entries are skipped, unknown reasons pass through, none is an empty list", () => {
    const dropped_words = [
      { start: 4, end: 4.5, text: "sorry", reason: "aside" },
      { start: 1.00049, end: 1.3, text: "um", reason: "filler" },
      { start: 5, end: 5.2, text: "cough", reason: "noise" },
      { start: "6", end: 6.2, text: "x", reason: "filler" },
      { start: 7, end: 6.9, text: "x", reason: "filler" },
      { start: 8, end: 8.2, reason: "filler" },
      { start: 9, end: 9.2, text: "x" },
      null,
      "um",
    ];
    const s = segmentsFromOtio(timeline([clip(2, 1)], "Video", [], { roughy: { dropped_words } }));
    expect(s.dropped).toEqual([
      { start: 1, end: 1.3, text: "um", reason: "filler" },
      { start: 4, end: 4.5, text: "sorry", reason: "aside" },
      { start: 5, end: 5.2, text: "cough", reason: "noise" },
    ]);
    expect(segmentsFromOtio(timeline([clip(2, 1)], "Video", [], { roughy: { dropped_words: [] } })).dropped).toEqual([]);
  });
});
