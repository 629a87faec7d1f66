// Property tests: random cuts through every export format, read back both by our parser and by
// independent readers; timing survives within one frame and durations add up in every format.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseExport, renderExport, type ExportFormat, type ExportInput } from "../../src/sandbox/media/exports/index.js";
import type { Segment } from "../../src/sandbox/media/types.js";
import { type Loose, fcpxSeconds, ndfFrames, readEdl, readXml, xmllint } from "./helpers.js";

const RATES: Array<[number, number, number]> = [
  // [typed fps, exact num, exact den]
  [23.976, 24000, 1001],
  [24, 24, 1],
  [25, 25, 1],
  [29.97, 30000, 1001],
  [30, 30, 1],
  [50, 50, 1],
  [59.94, 60000, 1001],
  [60, 60, 1],
];

/** Ordered, non-overlapping segments at least one frame long, inside a source of `duration`. */
function cutArb(frameSeconds: number) {
  return fc
    .array(fc.tuple(fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: frameSeconds, max: 20, noNaN: true })), {
      minLength: 0,
      maxLength: 25,
    })
    .map((pairs) => {
      let t = 0;
      const segments: Segment[] = pairs.map(([gap, len]) => {
        const start = t + gap;
        t = start + len;
        return { start, end: t };
      });
      return { segments, duration: t + 1 };
    });
}

function inputFor(fps: number, segments: Segment[], duration: number, media: "video" | "audio"): ExportInput {
  return {
    segments,
    source: {
      filename: "take one & two.mov",
      duration,
      media_type: media,
      frame_rate: media === "video" ? fps : null,
      width: 1280,
      height: 720,
      sample_rate: 48000,
      has_audio: true,
      has_video: media === "video",
    },
    frameRate: fps,
    title: "Round <trip>",
  };
}

const FORMATS: ExportFormat[] = ["edl", "xmeml", "fcpxml", "otio"];

describe("round trip through every format", () => {
  for (const [fps, num, den] of RATES) {
    for (const format of FORMATS) {
      it(`${format} at ${fps} fps keeps every boundary within one frame`, () => {
        const frame = den / num;
        fc.assert(
          fc.property(cutArb(frame), fc.constantFrom<"video" | "audio">("video", "audio"), ({ segments, duration }, media) => {
            const out = renderExport(format, inputFor(fps, segments, duration, media));
            const back = parseExport(format, out.body, { frameRate: fps });
            expect(back).toHaveLength(segments.length);
            back.forEach((seg, i) => {
              const want = segments[i] as Segment;
              expect(Math.abs(seg.start - want.start)).toBeLessThanOrEqual(frame * 0.5 + 1e-9);
              expect(Math.abs(seg.end - want.end)).toBeLessThanOrEqual(frame * 0.5 + 1e-9);
            });
          }),
          { numRuns: 60 },
        );
      });
    }
  }
});

describe("durations add up, read by independent readers", () => {
  const arb = fc.tuple(fc.constantFrom(...RATES), fc.constantFrom<"video" | "audio">("video", "audio")).chain(([rate, media]) =>
    cutArb(rate[2] / rate[1]).map((cut) => ({ rate, media, ...cut })),
  );

  it("EDL: 8-field events, contiguous record timecode from 01:00:00:00, source length = record length", () => {
    fc.assert(
      fc.property(arb, ({ rate: [fps, num, den], media, segments, duration }) => {
        const body = renderExport("edl", inputFor(fps, segments, duration, media)).body;
        const edl = readEdl(body);
        expect(edl.fcm).toBe("NON-DROP FRAME");
        expect(edl.events).toHaveLength(segments.length);
        const tb = Math.round(num / den);
        let rec = ndfFrames("01:00:00:00", tb);
        for (const e of edl.events) {
          expect(e.channels).toBe(media === "video" ? "AA/V" : "AA");
          expect(ndfFrames(e.recIn, tb)).toBe(rec);
          const len = ndfFrames(e.recOut, tb) - ndfFrames(e.recIn, tb);
          expect(len).toBeGreaterThan(0);
          expect(ndfFrames(e.srcOut, tb) - ndfFrames(e.srcIn, tb)).toBe(len);
          rec += len;
        }
      }),
      { numRuns: 100 },
    );
  });

  it("xmeml: sequence duration is the sum of contiguous clip items, in/out match start/end", () => {
    fc.assert(
      fc.property(arb, ({ rate: [fps], media, segments, duration }) => {
        const body = renderExport("xmeml", inputFor(fps, segments, duration, media)).body;
        const seq: Loose = readXml(body).xmeml.sequence;
        const tracks: Loose[] = [...(seq.media.video.track ?? []), ...(seq.media.audio?.track ?? [])];
        // Video, then one audio track per channel of the (stereo) source.
        expect(tracks).toHaveLength(media === "video" ? 3 : 2);
        for (const track of tracks) {
          const items: Loose[] = track.clipitem ?? [];
          expect(items).toHaveLength(segments.length);
          let rec = 0;
          for (const c of items) {
            expect(c.start).toBe(rec);
            expect(c.end - c.start).toBe(c.out - c.in);
            expect(c.end).toBeGreaterThan(c.start);
            rec = c.end;
          }
          expect(rec).toBe(seq.duration);
        }
        // Independent reading of the timing: in/out frames over the xmeml rate.
        const r = seq.rate;
        const exact = r.ntsc === "TRUE" ? (r.timebase * 1000) / 1001 : r.timebase;
        (tracks[0].clipitem ?? []).forEach((c: Loose, i: number) => {
          expect(Math.abs(c.in / exact - (segments[i] as Segment).start)).toBeLessThanOrEqual(0.5 / exact + 1e-9);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("FCPXML: times on whole frames, offsets contiguous, sequence duration = sum of clip durations", () => {
    fc.assert(
      fc.property(arb, ({ rate: [fps], media, segments, duration }) => {
        const body = renderExport("fcpxml", inputFor(fps, segments, duration, media)).body;
        const x: Loose = readXml(body).fcpxml;
        const fd = fcpxSeconds(x.resources.format[0]["@_frameDuration"]);
        expect(Math.abs(fd - 1 / fps)).toBeLessThan(1e-4);
        const seq = x.library.event.project.sequence;
        const clips: Loose[] = seq.spine === "" ? [] : (seq.spine["asset-clip"] ?? []);
        expect(clips).toHaveLength(segments.length);
        const onFrame = (v: string) => {
          const frames = fcpxSeconds(v) / fd;
          expect(Math.abs(frames - Math.round(frames))).toBeLessThan(1e-6);
        };
        let offset = 0;
        for (const c of clips) {
          for (const k of ["@_offset", "@_start", "@_duration"]) onFrame(c[k]);
          expect(fcpxSeconds(c["@_offset"])).toBeCloseTo(offset, 9);
          offset += fcpxSeconds(c["@_duration"]);
        }
        expect(fcpxSeconds(seq["@_duration"] === "0s" ? "0s" : seq["@_duration"])).toBeCloseTo(offset, 9);
        expect(x.resources.format[0]["@_width"]).toBe(media === "video" ? "1280" : undefined);
      }),
      { numRuns: 60 },
    );
  });

  it("OTIO: schema names, whole-frame times at the exact rate, tracks by what the media has", () => {
    fc.assert(
      fc.property(arb, ({ rate: [fps, num, den], media, segments, duration }) => {
        const t: Loose = JSON.parse(renderExport("otio", inputFor(fps, segments, duration, media)).body);
        expect(t.OTIO_SCHEMA).toBe("Timeline.1");
        expect(t.tracks.OTIO_SCHEMA).toBe("Stack.1");
        expect(t.tracks.children.map((k: Loose) => [k.OTIO_SCHEMA, k.kind])).toEqual(
          media === "video" ? [["Track.1", "Video"], ["Track.1", "Audio"]] : [["Track.1", "Audio"]],
        );
        for (const track of t.tracks.children) {
          expect(track.children).toHaveLength(segments.length);
          for (const c of track.children) {
            expect(c.OTIO_SCHEMA).toBe("Clip.2");
            expect(c.media_references[c.active_media_reference_key].OTIO_SCHEMA).toBe("ExternalReference.1");
            for (const rt of [c.source_range.start_time, c.source_range.duration]) {
              expect(rt.OTIO_SCHEMA).toBe("RationalTime.1");
              expect(rt.rate).toBe(num / den);
              expect(Number.isInteger(rt.value)).toBe(true);
            }
            expect(c.source_range.duration.value).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("xmllint finds every XML export well-formed, names escaped", () => {
    const cut = { segments: [{ start: 1, end: 2 }], duration: 5 };
    for (const format of ["xmeml", "fcpxml"] as const) {
      for (const media of ["video", "audio"] as const) {
        const input = inputFor(25, cut.segments, cut.duration, media);
        input.source.filename = `Tom & Jerry's <take> "1".mp4`;
        input.title = `Cut <A> & "B"`;
        const body = renderExport(format, input).body;
        const lint = xmllint(body);
        if (lint !== null) expect(lint, `${format} ${media}`).toBe("");
        readXml(body);
        expect(body).toContain("Tom%20%26%20Jerry%27s%20%3Ctake%3E%20%221%22.mp4");
      }
    }
  });
});
