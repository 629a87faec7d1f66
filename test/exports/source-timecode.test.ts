// Source timecode from every place media carries it: a QuickTime timecode track (drop-frame), an MXF header
// timecode, and a field recorder's BWF time_reference (a sample count, not a timecode). ffmpeg writes each file,
// the sandbox's probe reads it, and the exports are checked with smpte-timecode (npm) for the frame counts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSourceOf, renderExport, type ExportInput } from "../../src/sandbox/media/exports/index.js";
import { ffmpegBinary } from "../../src/sandbox/media/ffmpeg.js";
import { probeMedia } from "../../src/sandbox/media/probe.js";
import type { MediaInfo } from "../../src/sandbox/media/types.js";
import { type Loose, fcpxSeconds, readEdl, readXml } from "./helpers.js";

const Timecode = createRequire(import.meta.url)("smpte-timecode") as (tc: string | number, fps: number, df: boolean) => { frameCount: number; toString(): string };

let dir: string;
const info = new Map<string, MediaInfo>();

function ffmpeg(args: string[]): void {
  const r = spawnSync(ffmpegBinary(), ["-v", "error", "-y", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "roughy-tc-"));
  const files: Record<string, string[]> = {
    "tmcd.mov": ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=30000/1001:d=4", "-f", "lavfi", "-i", "sine=sample_rate=48000:d=4", "-c:v", "libx264", "-c:a", "aac", "-timecode", "01:02:03;04"],
    "header.mxf": ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-f", "lavfi", "-i", "sine=sample_rate=48000:d=4", "-c:v", "mpeg2video", "-c:a", "pcm_s16le", "-timecode", "10:00:00:00"],
    // 10:00:01.52 on the recorder's clock (frame 13 of that second at 25 fps): samples since midnight.
    "recorder.wav": ["-f", "lavfi", "-i", "sine=sample_rate=48000:d=4", "-write_bext", "1", "-metadata", `time_reference=${Math.round(48000 * 36001.52)}`],
  };
  for (const [name, args] of Object.entries(files)) {
    const file = join(dir, name);
    ffmpeg([...args, file]);
    info.set(name, await probeMedia(file));
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function input(name: string, fps: number): ExportInput {
  const i = info.get(name)!;
  return {
    segments: [{ start: 1, end: 2 }],
    source: exportSourceOf(i, name),
    frameRate: fps,
    title: "tc",
  };
}

describe.each([
  // [file, export fps, smpte-timecode's rate, drop-frame, the clock at the file's first frame]
  ["tmcd.mov", 30000 / 1001, 29.97, true, "01:02:03;04"],
  ["header.mxf", 25, 25, false, "10:00:00:00"],
  ["recorder.wav", 25, 25, false, "10:00:01:13"],
])("%s", (name, fps, typed, df, first) => {
  const start = () => Timecode(first, typed, df).frameCount;

  it("the EDL's source times stand on the media's own clock", () => {
    const edl = readEdl(renderExport("edl", input(name, fps)).body);
    expect(edl.fcm).toBe(df ? "DROP FRAME" : "NON-DROP FRAME");
    const e = edl.events[0]!;
    expect(Timecode(e.srcIn, typed, df).frameCount - start()).toBe(Math.round(fps));
    expect(Timecode(e.srcOut, typed, df).frameCount - start()).toBe(Math.round(2 * fps));
  });

  it("xmeml, FCPXML and OTIO start the media at that clock", () => {
    const frames = start();
    const x: Loose = readXml(renderExport("xmeml", input(name, fps)).body).xmeml.sequence;
    const file = [...(x.media.video.track ?? []), ...x.media.audio.track].flatMap((t: Loose) => t.clipitem).find((c: Loose) => c.file.name !== undefined).file;
    expect(file.timecode.frame).toBe(frames);
    expect(file.timecode.string).toBe(first);
    const f: Loose = readXml(renderExport("fcpxml", input(name, fps)).body).fcpxml;
    expect(fcpxSeconds(f.resources.asset[0]["@_start"])).toBeCloseTo(frames / fps, 6);
    const o: Loose = JSON.parse(renderExport("otio", input(name, fps)).body);
    expect(o.tracks.children[0].children[0].media_references.DEFAULT_MEDIA.available_range.start_time.value).toBe(frames);
  });
});
