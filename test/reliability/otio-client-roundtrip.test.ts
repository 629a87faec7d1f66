// Property: the client-side OTIO reader (src/operations/segments.ts, used by create_cut and roughy_get to show kept
// segments) reads back what the sandbox's OTIO writer wrote, for any cut at any common frame rate: the same
// segments as the writer's own parser (the client shows milliseconds, so up to half of one apart), each
// boundary within one frame of the cut asked for, the kept total equal to their sum. Two independent readings of the format agreeing is what the test is for.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseExport, renderExport } from "../../src/sandbox/media/exports/index.js";
import type { Segment } from "../../src/sandbox/media/types.js";
import { segmentsFromOtio } from "../../src/operations/segments.js";

const RATES = [23.976, 24, 25, 29.97, 30, 50, 59.94, 60];

const arb = fc.constantFrom(...RATES).chain((fps) =>
  fc
    .record({
      pairs: fc.array(fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 2 / fps, max: 10, noNaN: true })), { maxLength: 20 }),
      media: fc.constantFrom<"video" | "audio">("video", "audio"),
    })
    .map(({ pairs, media }) => {
      let t = 0;
      const segments: Segment[] = pairs.map(([gap, len]) => {
        const start = t + gap;
        t = start + len;
        return { start, end: t };
      });
      return { fps, media, segments, duration: t + 1 };
    }),
);

describe("OTIO: the client's reader against the sandbox's writer", () => {
  it("reads every segment back within one frame, as the writer's own parser does", () => {
    fc.assert(
      fc.property(arb, ({ fps, media, segments, duration }) => {
        const { body } = renderExport("otio", {
          segments,
          source: { filename: "take.mov", duration, media_type: media, frame_rate: media === "video" ? fps : null, has_audio: true, has_video: media === "video", width: 1280, height: 720, sample_rate: 48000 },
          frameRate: fps,
          title: "cut",
        });
        const read = segmentsFromOtio(body);
        const own = parseExport("otio", body);
        expect(read.count).toBe(own.length);
        expect(read.segments.length).toBe(read.count);
        const frame = 1 / fps;
        const MS = 0.0005 + 1e-9; // the client rounds to milliseconds for display
        read.segments.forEach((s, i) => {
          expect(Math.abs(s.start - own[i]!.start)).toBeLessThanOrEqual(MS);
          expect(Math.abs(s.end - own[i]!.end)).toBeLessThanOrEqual(MS);
          expect(s.end).toBeGreaterThan(s.start);
        });
        // Nothing asked for is lost: every input segment is found, each boundary within a frame.
        expect(read.count).toBe(segments.length);
        segments.forEach((s, i) => {
          expect(Math.abs(read.segments[i]!.start - s.start)).toBeLessThanOrEqual(frame + MS);
          expect(Math.abs(read.segments[i]!.end - s.end)).toBeLessThanOrEqual(frame + MS);
        });
        const sum = read.segments.reduce((a, s) => a + (s.end - s.start), 0);
        expect(Math.abs(read.kept_seconds - sum)).toBeLessThanOrEqual(MS * (read.count + 1));
        if (read.source_seconds !== null) expect(Math.abs(read.source_seconds - duration)).toBeLessThanOrEqual(frame + MS);
      }),
      { numRuns: 300 },
    );
  });
});
