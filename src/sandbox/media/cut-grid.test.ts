import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUDIO_ONLY_FPS, cutGrid, mediaFrameCount } from "./cut-grid.js";
import { parseExport, renderExport } from "./exports/index.js";
import { exportSourceOf } from "./exports/common.js";
import { renderedDuration } from "./render.js";
import { outputSegments } from "./subtitles/index.js";
import { toFrameRate } from "./timecode.js";
import type { MediaInfo, Segment } from "./types.js";

const video: MediaInfo = {
  media_type: "video", duration: 61.427, has_video: true, has_audio: true,
  frame_rate: 30000 / 1001, frame_rate_num: 30000, frame_rate_den: 1001, width: 320, height: 180, sample_rate: 48000,
};
const audio: MediaInfo = { media_type: "audio", duration: 61.427, has_video: false, has_audio: true, frame_rate: null, sample_rate: 44100 };

describe("cutGrid", () => {
  it("is the video's rate as an NLE rate, 25 fps for audio-only media", () => {
    expect(cutGrid(video)).toMatchObject({ num: 30000, den: 1001 });
    // A variable-rate phone video averaging 29.99999 fps is cut at 30.
    expect(cutGrid({ ...video, frame_rate_num: 87169000, frame_rate_den: 2905633 })).toMatchObject({ num: 30, den: 1 });
    expect(cutGrid(audio)).toMatchObject({ num: AUDIO_ONLY_FPS, den: 1 });
  });

  it("puts audio-only joins on whole samples at every common audio rate", () => {
    for (const sr of [8000, 11025, 16000, 22050, 32000, 44100, 48000, 96000]) expect((sr / AUDIO_ONLY_FPS) % 1, String(sr)).toBe(0);
  });

  it("counts whole frames, keeping a last frame that a microsecond duration rounds under", () => {
    const r = toFrameRate(25);
    expect(mediaFrameCount(10.02, r)).toBe(250);
    expect(mediaFrameCount(9.99999, r)).toBe(250);
    expect(mediaFrameCount(0, r)).toBe(0);
  });
});

describe("renders, subtitles and exports of one cut share its grid", () => {
  const seg = fc
    .tuple(fc.double({ min: -1, max: 62, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }))
    .map(([s, len]): Segment => ({ start: s, end: s + len }));
  it.each([
    ["video", video],
    ["audio-only", audio],
  ])("%s: the render's length, the subtitles' segments and the OTIO's events agree to the nanosecond", (_, info) => {
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 10 }), (segments) => {
        const grid = cutGrid(info);
        const rendered = renderedDuration(info, segments);
        const subtitled = outputSegments(segments, { frameRate: grid, mediaDuration: info.duration });
        const otio = renderExport("otio", { segments, source: exportSourceOf(info, "a.mov"), frameRate: grid, title: "t" }).body;
        const exported = parseExport("otio", otio);
        const length = (s: Segment[]) => s.reduce((n, x) => n + x.end - x.start, 0);
        expect(length(subtitled)).toBeCloseTo(rendered, 9);
        expect(length(exported)).toBeCloseTo(rendered, 9);
        expect(exported.map((s) => [s.start, s.end])).toEqual(subtitled.map((s) => [expect.closeTo(s.start, 9), expect.closeTo(s.end, 9)]));
      }),
    );
  });
});
