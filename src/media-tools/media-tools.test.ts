// The toolchain's choices and its readers, with real binaries: stand-in ffprobes written as shell scripts
// (one that crashes as the bundled ffprobe does on MPEG-TS, one that never answers), a bundled copy without its
// execute bit (a blocked postinstall), and PATH directories holding an old or a recent ffmpeg.
import { chmodSync, copyFileSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chooseToolchain, ensureExecutable, MediaProbeError, parseFfmpegListing, parseVersion, ProcessTimeoutError, probeFile, recentEnough, runProcess, toolchain, type Toolchain } from "./index.js";

const dir = mkdtempSync(path.join(tmpdir(), "roughy-media-tools-"));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function media(name: string, args: string[]): string {
  const file = path.join(dir, name);
  execFileSync(toolchain().ffmpeg.path, ["-v", "error", "-y", ...args, file]);
  return file;
}

const real = toolchain();
const withProbe = (ffprobePath: string): Toolchain => ({ ...real, ffprobe: { path: ffprobePath, version: "stand-in", source: "env" } });

describe("probeFile", () => {
  const ts = media("clip.ts", ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "1", "-c:v", "libx264", "-c:a", "aac", "-f", "mpegts"]);

  it("falls back to ffmpeg -i when ffprobe crashes, and says so", async () => {
    const crashing = script("ffprobe-segv", 'kill -SEGV $$');
    const p = await probeFile(ts, { tools: withProbe(crashing) });
    expect(p.reader).toBe("ffmpeg");
    expect(p.tried.join()).toMatch(/crashed \(SIGSEGV\)/);
    expect(p.format).toBe("mpegts");
    expect(p.streams.map((s) => s.type)).toEqual(["video", "audio"]);
    expect(p.streams[0]).toMatchObject({ width: 160, height: 120, r_frame_rate: "25/1" });
    expect(p.streams[1]).toMatchObject({ sample_rate: 48000, channels: 1 });
    expect(p.duration).toBeGreaterThan(0.9);
  });

  it("stops a reader that never answers and moves on to the next", async () => {
    const hanging = script("ffprobe-hang", "exec sleep 600");
    const p = await probeFile(ts, { tools: withProbe(hanging), timeoutMs: 10_000 });
    expect(p.reader).toBe("ffmpeg");
    expect(p.tried.join()).toMatch(/no answer within/);
  });

  it("a file no reader opens: one error naming each reader tried and what to do", async () => {
    const junk = path.join(dir, "junk.mp4");
    writeFileSync(junk, Buffer.alloc(4096, 7));
    const err = await probeFile(junk).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaProbeError);
    const e = err as MediaProbeError;
    expect(e.kind).toBe("unreadable");
    expect(e.tried).toHaveLength(2);
    expect(e.message).toMatch(/ffprobe .*; ffmpeg .* -i/);
    expect(e.message).toMatch(/FFMPEG_PATH/);
    expect(e.message).not.toContain(dir);
  });

  it("refuses a concat list by name, before it opens what it lists", async () => {
    const list = path.join(dir, "list.txt");
    writeFileSync(list, `ffconcat version 1.0\nfile '${ts}'\n`);
    const err = (await probeFile(list).catch((e: unknown) => e)) as MediaProbeError;
    expect(err).toBeInstanceOf(MediaProbeError);
    expect(["referencing", "unreadable"]).toContain(err.kind);
    if (err.kind === "referencing") expect(err.message).toMatch(/concat list/);
  });

  it("reads rotation and shown size from either reader", async () => {
    const coded = media("coded.mp4", ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p"]);
    const rotated = path.join(dir, "rotated.mp4");
    execFileSync(real.ffmpeg.path, ["-v", "error", "-y", "-i", coded, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated]);
    const a = await probeFile(rotated);
    const b = await probeFile(rotated, { tools: withProbe(script("ffprobe-fail", "exit 1")) });
    for (const p of [a, b]) {
      const v = p.streams.find((s) => s.type === "video");
      expect(v).toMatchObject({ width: 320, height: 180, display_width: 180, display_height: 320 });
      expect([90, 270]).toContain(v?.rotation);
    }
  });
});

describe("parseFfmpegListing", () => {
  it("reads ffmpeg 4.1's listing: format, streams, rates, layouts, cover art, timecode", () => {
    const listing = [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/x/a, from b.mov':",
      "  Metadata:",
      "    timecode        : 01:00:00;00",
      "  Duration: 00:01:02.50, start: 0.000000, bitrate: 900 kb/s",
      "    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 1920x1080 [SAR 1:1 DAR 16:9], 800 kb/s, 29.97 fps, 29.97 tbr, 30k tbn, 59.94 tbc (default)",
      "    Metadata:",
      "      rotate          : 270",
      "    Side data:",
      "      displaymatrix: rotation of 90.00 degrees",
      "    Stream #0:1(eng): Audio: pcm_s24le (in24 / 0x34326E69), 48000 Hz, 5.1(side), s32 (24 bit), 6912 kb/s (default)",
      "    Stream #0:2: Video: mjpeg, yuvj420p(pc), 300x300, 90k tbr, 90k tbn, 90k tbc (attached pic)",
      "At least one output file must be specified",
    ].join("\n");
    const p = parseFfmpegListing(listing);
    expect(p).toMatchObject({ format: "mov,mp4,m4a,3gp,3g2,mj2", duration: 62.5, timecode: "01:00:00;00" });
    expect(p?.streams[0]).toMatchObject({ type: "video", width: 1920, height: 1080, r_frame_rate: "30000/1001", rotation: 270, display_width: 1080, display_height: 1920, default: true });
    expect(p?.streams[1]).toMatchObject({ type: "audio", codec: "pcm_s24le", sample_rate: 48000, channels: 6, bits_per_sample: 24, language: "eng" });
    expect(p?.streams[2]).toMatchObject({ type: "video", attached_pic: true });
  });
});

describe("runProcess", () => {
  it("kills a child at its time limit and says so", async () => {
    const err = await runProcess("sleep", ["600"], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessTimeoutError);
    expect((err as ProcessTimeoutError).stalled).toBe(false);
  });

  it("kills a child that stops producing output", async () => {
    const err = await runProcess("sh", ["-c", "echo start; exec sleep 600"], { stallMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessTimeoutError);
    expect((err as ProcessTimeoutError).stalled).toBe(true);
  });

  it("reports a crash's signal", async () => {
    const r = await runProcess("sh", ["-c", "kill -SEGV $$"]);
    expect(r.signal).toBe("SIGSEGV");
  });
});

describe("chooseToolchain", () => {
  const fake = (sub: string, version: string) => {
    const d = path.join(dir, sub);
    execFileSync("mkdir", ["-p", d]);
    for (const name of ["ffmpeg", "ffprobe"]) {
      const f = path.join(d, name);
      writeFileSync(f, `#!/bin/sh\necho "${name} version ${version} Copyright (c) 2000-2019 the FFmpeg developers"\n`);
      chmodSync(f, 0o755);
    }
    return d;
  };

  it("FFMPEG_PATH/FFPROBE_PATH win", () => {
    const t = chooseToolchain({ PATH: "", FFMPEG_PATH: real.ffmpeg.path, FFPROBE_PATH: real.ffprobe.path });
    expect(t.ffmpeg).toMatchObject({ path: real.ffmpeg.path, source: "env" });
    expect(t.ffprobe).toMatchObject({ path: real.ffprobe.path, source: "env" });
  });

  it('"bundled" picks the packaged binaries even with a system ffmpeg on PATH', () => {
    const d = fake("also-recent", "7.1");
    const t = chooseToolchain({ PATH: d, FFMPEG_PATH: "bundled", FFPROBE_PATH: "bundled" });
    expect(t.ffmpeg.source).toBe("bundled");
    expect(t.ffprobe.source).toBe("bundled");
    expect(t.ffmpeg.path).toContain("@ffmpeg-installer");
  });

  it("a recent system ffmpeg on PATH comes next, with the ffprobe beside it", () => {
    const d = fake("recent", "6.1.1-3ubuntu5");
    const t = chooseToolchain({ PATH: d });
    expect(t.ffmpeg).toMatchObject({ path: path.join(d, "ffmpeg"), version: "6.1.1-3ubuntu5", source: "system" });
    expect(t.ffprobe).toMatchObject({ path: path.join(d, "ffprobe"), source: "system" });
  });

  it("an old system ffmpeg is passed over for the bundled one, and the log says why", () => {
    const d = fake("old", "4.1.11-0+deb10u1");
    const t = chooseToolchain({ PATH: d });
    expect(t.ffmpeg.source).toBe("bundled");
    expect(t.ffprobe.source).toBe("bundled");
    expect(t.notes.join()).toMatch(/4\.1\.11.* is older than 4\.4/);
  });

  it("reads versions: numbered, n-prefixed and git snapshots (by their copyright year)", () => {
    expect(recentEnough(parseVersion("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026")!)).toBe(true);
    expect(recentEnough(parseVersion("ffmpeg version n4.4.2 Copyright (c) 2000-2021")!)).toBe(true);
    expect(recentEnough(parseVersion("ffmpeg version 4.3.6 Copyright (c) 2000-2023")!)).toBe(false);
    expect(recentEnough(parseVersion("ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018")!)).toBe(false);
    expect(parseVersion("not ffmpeg")).toBeNull();
  });
});

describe("ensureExecutable", () => {
  it("sets the execute bit a blocked postinstall left off, and the binary runs", async () => {
    const copy = path.join(dir, "ffprobe-noexec");
    copyFileSync(real.ffprobe.path, copy);
    chmodSync(copy, 0o644);
    const runnable = ensureExecutable(copy);
    expect(runnable).toBe(copy);
    expect(statSync(copy).mode & 0o111).not.toBe(0);
    const r = await runProcess(runnable, ["-version"]);
    expect(r.code).toBe(0);
  });
});
