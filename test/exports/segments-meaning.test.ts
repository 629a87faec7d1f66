// What an agent reads as `segments` (the MCP side's OTIO reader) against what the sandbox writes, for media
// with and without an embedded timecode, drop-frame included: the same seconds from the file's start, which is
// what ffmpeg's -ss and every player count, and the media's timecode given apart.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { renderExport } from "../../src/sandbox/media/exports/index.js";
import { segmentsFromOtio } from "../../src/operations/segments.js";

// smpte-timecode (npm) counts the frames of a timecode, drop-frame included; it ships no types.
const Timecode = createRequire(import.meta.url)("smpte-timecode") as (tc: string, fps: number, df: boolean) => { frameCount: number };

// [name, exact fps, the rate smpte-timecode is told, start timecode]
const CASES: Array<[string, number, number, string | null]> = [
  ["25 fps without timecode", 25, 25, null],
  ["25 fps from 10:00:00:00", 25, 25, "10:00:00:00"],
  ["29.97 drop-frame from 00:59:59;28", 30000 / 1001, 29.97, "00:59:59;28"],
  ["23.976 from 01:00:00:00", 24000 / 1001, 23.976, "01:00:00:00"],
];

describe("segments in tool answers", () => {
  it.each(CASES)("%s: seconds from the file's start", (_name, fps, typed, tc) => {
    const frame = 1 / fps;
    // Boundaries on whole frames, so the comparison is exact to rounding.
    const segments = [
      { start: 30 * frame, end: 90 * frame },
      { start: 150 * frame, end: 240 * frame },
    ];
    const otio = renderExport("otio", {
      segments,
      source: { filename: "a.mov", duration: 20, media_type: "video", frame_rate: fps, start_timecode: tc, has_audio: true, has_video: true },
      frameRate: fps,
      title: "t",
    }).body;
    const read = segmentsFromOtio(otio);
    read.segments.forEach((s, i) => {
      expect(s.start).toBeCloseTo(segments[i]!.start, 3);
      expect(s.end).toBeCloseTo(segments[i]!.end, 3);
    });
    if (tc === null) expect(read.source_timecode).toBeNull();
    else {
      const frames = Timecode(tc, typed, tc.includes(";")).frameCount;
      expect(read.source_timecode!.frames).toBe(frames);
      expect(read.source_timecode!.seconds).toBeCloseTo(frames / fps, 3);
    }
  });
});
