import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegBinary, ffprobeBinary } from "./ffmpeg.js";
import { RenderAbortedError, RenderError, renderMedia, renderOutputProblem, renderedDuration } from "./render.js";
import type { MediaInfo, Segment } from "./types.js";

// The sources are made with lavfi. The video one marks every 15th frame twice: the picture turns bright
// (luma 235) and the audio plays a 1 kHz beep that starts exactly at that frame's start and lasts one frame.
// After a render, every beep onset must still fall on the time of a bright frame, at the position the cut
// mapping predicts. That is the A/V sync check: an audio cut made at a different instant from the video cut
// (e.g. unsnapped, or a join that drifts) moves every later beep off its frame.
const NUM = 30000;
const DEN = 1001;
const FPS = NUM / DEN;
const SR = 48000;
const MARK_EVERY = 15;
// Measured onset error after rendering: under 0.1 ms for every output. 1 ms is far below a frame (33 ms) and
// below the 12.5 ms an unsnapped audio cut at the 2.515 s boundary would cause (which this test catches).
const SYNC_TOLERANCE = 0.001;

let dir: string;
let videoSrc: string;
let audioSrc: string;
let longSrc: string;

const videoInfo: MediaInfo = {
  media_type: "video", duration: 6.006, has_video: true, has_audio: true,
  frame_rate: FPS, frame_rate_num: NUM, frame_rate_den: DEN, width: 320, height: 180, sample_rate: SR,
};
const audioInfo: MediaInfo = { media_type: "audio", duration: 6, has_video: false, has_audio: true, frame_rate: null, sample_rate: SR };

// Boundaries deliberately off the frame grid: 0.3 -> frame 9, 1.9 -> 57, 2.515 -> 75 (a marked frame, so a
// beep sits right at a join; unsnapped audio would be 12.5 ms late there), 3.7 -> 111, 4.4 -> 132, 5.8 -> 174.
const SEGMENTS: Segment[] = [
  { start: 0.3, end: 1.9 },
  { start: 2.515, end: 3.7 },
  { start: 4.4, end: 5.8 },
];
const SPANS = [[9, 57], [75, 111], [132, 174]] as const;
const KEPT_FRAMES = SPANS.reduce((n, [a, b]) => n + b - a, 0); // 126

/** Output frame index of every marked source frame that the cut keeps. */
function expectedMarkFrames(): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const [a, b] of SPANS) {
    for (let k = a; k < b; k++) if (k % MARK_EVERY === 0) out.push(offset + k - a);
    offset += b - a;
  }
  return out;
}

function ff(args: string[]): Buffer {
  const r = spawnSync(ffmpegBinary(), ["-hide_banner", "-loglevel", "error", "-nostdin", ...args], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  return r.stdout;
}

interface Probe {
  streams: { codec_type: string; codec_name: string; duration?: string; nb_frames?: string; start_time?: string; pix_fmt?: string }[];
  format: { duration: string; format_name: string };
}
function probe(file: string): Probe {
  const r = spawnSync(ffprobeBinary(), ["-v", "error", "-show_streams", "-show_format", "-of", "json", file]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as Probe;
}

/** Beep onsets in seconds: the first loud sample after at least 100 ms of quiet. */
function audioOnsets(file: string): number[] {
  const raw = ff(["-i", file, "-map", "0:a:0", "-ac", "1", "-ar", String(SR), "-f", "f32le", "pipe:1"]);
  const samples = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const onsets: number[] = [];
  let quiet = SR; // start as if preceded by silence
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) > 0.2) {
      if (quiet >= SR * 0.1) onsets.push(i / SR);
      quiet = 0;
    } else quiet++;
  }
  return onsets;
}

/** Indices of bright (marked) frames, from a 16x9 grey decode of the output. */
function brightFrames(file: string): { bright: number[]; frames: number } {
  const raw = ff(["-i", file, "-map", "0:v:0", "-vf", "scale=16:9,format=gray", "-f", "rawvideo", "pipe:1"]);
  const size = 16 * 9;
  const bright: number[] = [];
  for (let f = 0; f * size < raw.length; f++) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += raw[f * size + i]!;
    if (sum / size > 200) bright.push(f);
  }
  return { bright, frames: raw.length / size };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));
  videoSrc = path.join(dir, "src.mov");
  audioSrc = path.join(dir, "src.wav");
  longSrc = path.join(dir, "long.mov");
  const mark = `lutyuv=y=235:u=128:v=128:enable='eq(mod(n\\,${MARK_EVERY})\\,0)'`;
  const beep = `aevalsrc='0.8*sin(2*PI*1000*t)*eq(mod(floor(t*${NUM}/${DEN})\\,${MARK_EVERY})\\,0)':s=${SR}`;
  // mov keeps exact 1/30000 timestamps (mkv would round them to ms); PCM audio has no encoder delay.
  ff(["-f", "lavfi", "-i", `testsrc2=size=320x180:rate=${NUM}/${DEN}:duration=6,${mark}`, "-f", "lavfi", "-i", `${beep}:d=6`,
    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-c:a", "pcm_s16le", "-shortest", videoSrc]);
  ff(["-f", "lavfi", "-i", `${beep}:d=6`, "-c:a", "pcm_s16le", audioSrc]);
  // Long enough (30 s, 640x360; a ~5 s render here) that a render is still running when the test cancels it.
  // mpeg4 because it is quick to make (~1 s).
  ff(["-f", "lavfi", "-i", `testsrc2=size=640x360:rate=30:duration=30`, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30",
    "-c:v", "mpeg4", "-q:v", "8", "-c:a", "pcm_s16le", longSrc]);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function leftovers(): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith("."));
}

describe("renderedDuration", () => {
  it("sums the frame-snapped segments", () => {
    expect(renderedDuration(videoInfo, SEGMENTS)).toBeCloseTo((KEPT_FRAMES * DEN) / NUM, 9);
    expect(renderedDuration(videoInfo, null)).toBe(6.006);
    // Segments play in record order, as the exports list them (a repeated span plays twice); out-of-range parts
    // are clamped to the last whole frame.
    expect(renderedDuration(videoInfo, [{ start: 2, end: 3 }, { start: 1, end: 2.5 }, { start: 5.9, end: 99 }])).toBeCloseTo(
      ((90 - 60 + 75 - 30 + 180 - 177) * DEN) / NUM, 9);
    // Audio-only media is cut on 25 fps frames: 1.01 s is frame 25, 1.53 s frame 38.
    expect(renderedDuration(audioInfo, [{ start: 1.01, end: 1.53 }])).toBeCloseTo(0.52, 9);
  });

  it("is always a whole number of frames, each segment within the source, and never more than the segments cover", () => {
    const seg = fc.tuple(fc.double({ min: -1, max: 7, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })).map(([s, len]) => ({ start: s, end: s + len }));
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 12 }), (segs) => {
        const d = renderedDuration(videoInfo, segs);
        const frames = (d * NUM) / DEN;
        expect(Math.abs(frames - Math.round(frames))).toBeLessThan(1e-6);
        // Each segment keeps at most the source's 180 whole frames.
        expect(Math.round(frames)).toBeLessThanOrEqual(180 * segs.length);
        // Snapping moves each boundary by at most half a frame.
        const covered = segs.reduce((n, s) => n + Math.max(0, Math.min(s.end, 6.006) - Math.max(s.start, 0)), 0);
        expect(d).toBeLessThanOrEqual(covered + segs.length / FPS + 1e-9);
      }),
    );
  });
});

describe("renderMedia", () => {
  for (const output of ["mp4", "mov"] as const) {
    it(`${output}: H.264 + AAC, exact kept frames, beeps on their frames`, async () => {
      const outPath = path.join(dir, `cut.${output}`);
      const progress: number[] = [];
      await renderMedia({ input: videoSrc, info: videoInfo, segments: SEGMENTS, output, outPath, onProgress: (p) => progress.push(p) });
      const p = probe(outPath);
      const v = p.streams.find((s) => s.codec_type === "video")!;
      const a = p.streams.find((s) => s.codec_type === "audio")!;
      expect(p.streams).toHaveLength(2);
      expect(v.codec_name).toBe("h264");
      expect(v.pix_fmt).toBe("yuv420p");
      expect(a.codec_name).toBe("aac");
      const expected = (KEPT_FRAMES * DEN) / NUM;
      expect(Number(v.nb_frames)).toBe(KEPT_FRAMES);
      expect(Math.abs(Number(p.format.duration) - expected)).toBeLessThanOrEqual(1 / FPS);
      expect(Math.abs(Number(a.duration) - expected)).toBeLessThanOrEqual(1 / FPS);
      if (output === "mp4") {
        // +faststart: the moov atom precedes mdat.
        const head = fs.readFileSync(outPath).subarray(0, 4096).toString("latin1");
        expect(head.indexOf("moov")).toBeGreaterThan(-1);
        expect(head.indexOf("moov")).toBeLessThan(head.indexOf("mdat") === -1 ? Infinity : head.indexOf("mdat"));
      }

      // Sync: the bright frames are exactly the kept marks, and each beep starts on its bright frame.
      const marks = expectedMarkFrames();
      const { bright, frames } = brightFrames(outPath);
      expect(frames).toBe(KEPT_FRAMES);
      expect(bright).toEqual(marks);
      const onsets = audioOnsets(outPath);
      expect(onsets).toHaveLength(marks.length);
      onsets.forEach((t, i) => expect(Math.abs(t - (marks[i]! * DEN) / NUM)).toBeLessThan(SYNC_TOLERANCE));

      expect(progress[0]).toBe(0);
      expect(progress[progress.length - 1]).toBe(100);
      expect(progress.filter((x) => x === 100)).toHaveLength(1);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
      expect(leftovers()).toEqual([]);
    });
  }

  // mp3 and m4a: the container duration may include encoder padding. AAC: the last 1024-sample frame is
  // trimmed by the mp4 edit list, so allow one frame of video (33 ms). MP3 (LAME): delay + padding is stored in
  // the Xing/LAME header, which ffprobe's duration does not subtract; allow two MP3 frames (2 x 1152 samples,
  // 48 ms at 48 kHz). Sync is then checked on the decoded audio, where ffmpeg honours the stored delay.
  const audioCases = [
    { output: "m4a", codec: "aac", tolerance: 1 / FPS },
    { output: "mp3", codec: "mp3", tolerance: (2 * 1152) / SR },
  ] as const;
  for (const { output, codec, tolerance } of audioCases) {
    it(`${output} from video: one ${codec} stream, duration and beep times`, async () => {
      const outPath = path.join(dir, `cut-from-video.${output}`);
      await renderMedia({ input: videoSrc, info: videoInfo, segments: SEGMENTS, output, outPath });
      const p = probe(outPath);
      expect(p.streams.map((s) => s.codec_name)).toEqual([codec]);
      const expected = (KEPT_FRAMES * DEN) / NUM;
      expect(Math.abs(Number(p.format.duration) - expected)).toBeLessThanOrEqual(tolerance);
      const marks = expectedMarkFrames();
      const onsets = audioOnsets(outPath);
      expect(onsets).toHaveLength(marks.length);
      onsets.forEach((t, i) => expect(Math.abs(t - (marks[i]! * DEN) / NUM)).toBeLessThan(SYNC_TOLERANCE));
    });

    it(`${output} from an audio-only source, cut on 25 fps frames (whole samples)`, async () => {
      const outPath = path.join(dir, `cut-from-audio.${output}`);
      // Off the grid, clear of the beeps: 0.61 s snaps to frame 15 (0.6 s), 1.97 to 49 (1.96 s), 3.09 to 77
      // (3.08 s), 4.27 to 107 (4.28 s).
      const asked: Segment[] = [{ start: 0.61, end: 1.97 }, { start: 3.09, end: 4.27 }];
      const segs: Segment[] = asked.map((s) => ({ start: Math.round(s.start * 25) / 25, end: Math.round(s.end * 25) / 25 }));
      await renderMedia({ input: audioSrc, info: audioInfo, segments: asked, output, outPath });
      const p = probe(outPath);
      expect(p.streams.map((s) => s.codec_name)).toEqual([codec]);
      expect(Math.abs(Number(p.format.duration) - (1.36 + 1.2))).toBeLessThanOrEqual(tolerance);
      // Beeps every 15 frames of 29.97 fps (0.5005 s) on the source timeline, mapped through the cut.
      const expectedOnsets: number[] = [];
      let offset = 0;
      for (const s of segs) {
        for (let k = 0; (k * DEN) / NUM < s.end; k += MARK_EVERY) {
          const t = (k * DEN) / NUM;
          if (t >= s.start) expectedOnsets.push(offset + t - s.start);
        }
        offset += s.end - s.start;
      }
      const onsets = audioOnsets(outPath);
      expect(onsets).toHaveLength(expectedOnsets.length);
      onsets.forEach((t, i) => expect(Math.abs(t - expectedOnsets[i]!)).toBeLessThan(SYNC_TOLERANCE));
    });
  }

  it("renders the whole source when segments is null", async () => {
    const outPath = path.join(dir, "whole.mp4");
    await renderMedia({ input: videoSrc, info: videoInfo, segments: null, output: "mp4", outPath });
    const p = probe(outPath);
    const v = p.streams.find((s) => s.codec_type === "video")!;
    expect(Number(v.nb_frames)).toBe(180);
    expect(brightFrames(outPath).bright).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165]);
  });

  it("renders a video without audio to a video-only mov", async () => {
    const silent = path.join(dir, "silent.mov");
    ff(["-f", "lavfi", "-i", `testsrc2=size=320x180:rate=25:duration=3`, "-c:v", "libx264", "-preset", "ultrafast", silent]);
    const info: MediaInfo = { media_type: "video", duration: 3, has_video: true, has_audio: false, frame_rate: 25, frame_rate_num: 25, frame_rate_den: 1 };
    const outPath = path.join(dir, "silent-cut.mov");
    await renderMedia({ input: silent, info, segments: [{ start: 0.5, end: 1 }, { start: 2, end: 2.8 }], output: "mov", outPath });
    const p = probe(outPath);
    expect(p.streams.map((s) => s.codec_type)).toEqual(["video"]);
    expect(Number(p.streams[0]!.nb_frames)).toBe(12 + 20);
  });

  it("refuses an audio-only source for a video output, before running ffmpeg", async () => {
    expect(renderOutputProblem(audioInfo, "mp4")).toMatch(/audio-only.*m4a or mp3/);
    expect(renderOutputProblem(audioInfo, "m4a")).toBeNull();
    expect(renderOutputProblem(videoInfo, "mov")).toBeNull();
    expect(renderOutputProblem({ ...videoInfo, has_audio: false }, "mp3")).toMatch(/no audio/);
    expect(renderOutputProblem(videoInfo, "gif")).toMatch(/one of/);
    const outPath = path.join(dir, "refused.mp4");
    const err = await renderMedia({ input: audioSrc, info: audioInfo, segments: null, output: "mp4", outPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).code).toBe("unsupported_output");
    expect(fs.existsSync(outPath)).toBe(false);
  });

  it("refuses a cut that keeps nothing", async () => {
    const err = await renderMedia({
      input: videoSrc, info: videoInfo, segments: [{ start: 7, end: 8 }, { start: 1, end: 1.01 }], output: "mp4", outPath: path.join(dir, "empty.mp4"),
    }).catch((e: unknown) => e);
    expect((err as RenderError).code).toBe("no_segments");
  });

  it("reports ffmpeg's failure on a file that is not media, leaving nothing behind", async () => {
    const bogus = path.join(dir, "bogus.mov");
    fs.writeFileSync(bogus, "not a movie at all");
    const outPath = path.join(dir, "bogus-out.mp4");
    const err = await renderMedia({ input: bogus, info: videoInfo, segments: null, output: "mp4", outPath }).catch((e: unknown) => e);
    expect((err as RenderError).code).toBe("ffmpeg_failed");
    // The message reaches API users: it names no path on disk (ffmpeg's own words are in `detail`).
    expect((err as RenderError).message).not.toContain(dir);
    expect((err as RenderError).message).toMatch(/could not be rendered.*the source/);
    expect((err as RenderError).detail).toContain("bogus.mov");
    expect(fs.existsSync(outPath)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("reports monotonic progress from ffmpeg and cancels mid-render: ffmpeg killed, no file left", async () => {
    const info: MediaInfo = { media_type: "video", duration: 30, has_video: true, has_audio: true, frame_rate: 30, frame_rate_num: 30, frame_rate_den: 1, width: 640, height: 360, sample_rate: 48000 };
    const outPath = path.join(dir, "canceled.mp4");
    const ac = new AbortController();
    const progress: number[] = [];
    const started = Date.now();
    const err = await renderMedia({
      input: longSrc, info, segments: [{ start: 0, end: 15 }, { start: 18, end: 30 }], output: "mp4", outPath, signal: ac.signal,
      onProgress: (p) => {
        progress.push(p);
        // Abort after two reports from ffmpeg's own progress output (it writes one every 0.5 s, so about 1 s
        // into a render that takes ~5 s here).
        if (progress.length >= 3) ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderAbortedError);
    // 0, then at least two reports from ffmpeg (it writes one every 0.5 s), strictly increasing, never 100.
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    expect(progress.at(-1)!).toBeLessThan(100);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fs.existsSync(outPath)).toBe(false);
    expect(leftovers()).toEqual([]);
    // No ffmpeg is still writing into our directory.
    const ps = spawnSync("ps", ["-eo", "args"]).stdout.toString();
    expect(ps.split("\n").filter((l) => l.includes(dir) && l.includes("ffmpeg"))).toEqual([]);
  });

  it("an already-aborted signal starts nothing", async () => {
    const ac = new AbortController();
    ac.abort();
    const outPath = path.join(dir, "never.mp4");
    await expect(renderMedia({ input: videoSrc, info: videoInfo, segments: null, output: "mp4", outPath, signal: ac.signal })).rejects.toBeInstanceOf(RenderAbortedError);
    expect(fs.existsSync(outPath)).toBe(false);
  });
});

