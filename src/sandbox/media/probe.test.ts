import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ffmpegBinary } from "./ffmpeg.js";
import { MediaError, pickFrameRate, probeMedia } from "./probe.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roughy-probe-"));

function make(name: string, args: string[]): string {
  const file = path.join(dir, name);
  execFileSync(ffmpegBinary(), ["-v", "error", "-y", ...args, file]);
  return file;
}

describe("probeMedia", () => {
  it("reads an NTSC video exactly (30000/1001), with size, audio and its timecode tag", async () => {
    const file = make("ntsc.mov", [
      "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30000/1001", "-f", "lavfi", "-i", "sine=sample_rate=48000",
      "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-timecode", "01:00:00:00", "-shortest",
    ]);
    const info = await probeMedia(file);
    expect(info).toMatchObject({ media_type: "video", has_video: true, has_audio: true, frame_rate_num: 30000, frame_rate_den: 1001, width: 320, height: 240, sample_rate: 48000, start_timecode: "01:00:00:00" });
    expect(info.frame_rate).toBe(30000 / 1001);
    expect(info.duration).toBeGreaterThan(1.9);
  });

  it("reads audio-only media with no frame rate", async () => {
    const info = await probeMedia(make("tone.m4a", ["-f", "lavfi", "-i", "sine=sample_rate=16000", "-t", "1.5", "-c:a", "aac"]));
    expect(info).toMatchObject({ media_type: "audio", has_video: false, has_audio: true, frame_rate: null, sample_rate: 16000 });
    expect(info.duration).toBeCloseTo(1.5, 1);
  });

  it("throws MediaError for a file that is not media", async () => {
    const junk = path.join(dir, "junk.bin");
    fs.writeFileSync(junk, Buffer.alloc(2048, 1));
    await expect(probeMedia(junk)).rejects.toBeInstanceOf(MediaError);
  });

  it("prefers r_frame_rate, falls back to avg_frame_rate when it is a timebase, and reduces", () => {
    expect(pickFrameRate("30000/1001", "30000/1001")).toEqual({ num: 30000, den: 1001 });
    expect(pickFrameRate("90000/1", "2997/100")).toEqual({ num: 2997, den: 100 });
    expect(pickFrameRate("50/2", "0/0")).toEqual({ num: 25, den: 1 });
    expect(pickFrameRate("0/0", "0/0")).toBeNull();
  });
});
