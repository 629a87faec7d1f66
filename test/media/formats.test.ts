// Every format of the media test set goes through the MCP server as an agent would use it: upload_media,
// a scriptless create_cut, create_render and download_render. The cut is checked against where flite's speech
// lies (the long pause dropped, both sentences kept), the render with ffprobe and a level meter.
// Run with FFMPEG_PATH/FFPROBE_PATH to test another toolchain (.ci/run runs it with Debian's and the bundled).
import { execFileSync } from "node:child_process";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolchain } from "../../src/media-tools/index.js";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";
import { canMakeFixtures, ffprobeOut, mediaFixtures, peakDb, shownSize, type FixtureSet } from "./fixtures.js";

type Expect = { video: boolean; audioStreams: number; speechStream?: number; shown?: [number, number] };

const CASES: Record<string, Expect> = {
  "camera.ts": { video: true, audioStreams: 1 },
  "avchd.m2ts": { video: true, audioStreams: 1 },
  "broadcast.mxf": { video: true, audioStreams: 1 },
  "interview.mkv": { video: true, audioStreams: 1 },
  "interview.webm": { video: true, audioStreams: 1 },
  "timecode.mov": { video: true, audioStreams: 1 },
  "pcm16-44k.wav": { video: false, audioStreams: 1 },
  "pcm16-48k.wav": { video: false, audioStreams: 1 },
  "pcm24-48k.wav": { video: false, audioStreams: 1 },
  "phone-8k.wav": { video: false, audioStreams: 1 },
  "voice.mp3": { video: false, audioStreams: 1 },
  "cover.m4a": { video: false, audioStreams: 1 },
  "second-stream.mp4": { video: true, audioStreams: 2, speechStream: 2 },
  "phone-rotated.mp4": { video: true, audioStreams: 1, shown: [180, 320] },
  "silent-video.mp4": { video: true, audioStreams: 0 },
  "vfr.mp4": { video: true, audioStreams: 1 },
};

const available = canMakeFixtures();
let set: FixtureSet;
let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;
const savedTranscriber = process.env.ROUGHY_SANDBOX_TRANSCRIBER;

beforeAll(async () => {
  if (!available) return;
  set = await mediaFixtures();
  // Cuts from the level alone: fast, and the pause is known exactly (the recogniser is tested elsewhere).
  process.env.ROUGHY_SANDBOX_TRANSCRIBER = "none";
  sb = await startTestSandbox({ startingBalance: 1000 });
  ws = await startWorkspace("roughy-media-formats-", { copyMedia: false });
  for (const name of Object.keys(CASES)) await copyFile(path.join(set.dir, name), path.join(ws.dir, name));
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});

afterAll(async () => {
  if (savedTranscriber === undefined) delete process.env.ROUGHY_SANDBOX_TRANSCRIBER;
  else process.env.ROUGHY_SANDBOX_TRANSCRIBER = savedTranscriber;
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

const inside = (t: number, segs: { start: number; end: number }[]) => segs.some((s) => s.start <= t && t < s.end);

describe("which media tools run", () => {
  it("the sandbox's status names the ffmpeg and ffprobe it runs, as FFMPEG_PATH/FFPROBE_PATH or PATH chose them", async () => {
    const local = await startTestSandbox();
    try {
      const status = (await local.control("GET", "/sandbox/status")).body as { media_tools: { ffmpeg: { path: string; version: string; source: string }; ffprobe: { path: string; source: string } } };
      const { ffmpeg, ffprobe } = status.media_tools;
      const chosen = (value: string | undefined) => (value === "bundled" ? { source: "bundled" } : { path: value, source: "env" });
      if (process.env.FFMPEG_PATH) expect(ffmpeg).toMatchObject(chosen(process.env.FFMPEG_PATH));
      if (process.env.FFPROBE_PATH) expect(ffprobe).toMatchObject(chosen(process.env.FFPROBE_PATH));
      // The version stated is the one the binary itself reports.
      const own = execFileSync(ffmpeg.path, ["-version"], { encoding: "utf8" }).split("\n")[0] as string;
      expect(own).toContain(ffmpeg.version.replace(/ \(\d{4}\)$/, ""));
      expect(["env", "system", "bundled"]).toContain(ffprobe.source);
    } finally {
      await local.close();
    }
  });
});

describe.skipIf(!available)(`formats through the MCP server (ffmpeg ${available ? toolchain().ffmpeg.version : "?"})`, () => {
  for (const [name, want] of Object.entries(CASES)) {
    it(`${name}: upload, cut, render`, async () => {
      const up = await conn.call("upload_media", { path: path.join(ws.dir, name), confirm_cost: true, wait_seconds: 50 });
      expect(up.isError, textOf(up)).toBeFalsy();
      const asset = (up.structuredContent as { asset: { id: string; state: string; media_type: string } }).asset;
      expect(asset.state, textOf(up)).toBe("ready");
      expect(asset.media_type).toBe(want.video ? "video" : "audio");

      // The sandbox's own answer: every audio stream, and the one the cut listens to.
      const raw = (await sb.control("GET", `/v1/assets/${asset.id}`)).body as { audio_streams: { index: number; channels: number }[]; speech_stream: number | null };
      expect(raw.audio_streams.length).toBe(want.audioStreams);
      expect(raw.audio_streams.every((s) => s.channels === 1)).toBe(true);
      if (want.speechStream !== undefined) expect(raw.speech_stream).toBe(want.speechStream);
      if (want.audioStreams === 0) expect(raw.speech_stream).toBeNull();

      const cut = await conn.call("create_cut", { asset_id: asset.id, wait_seconds: 50 });
      expect(cut.isError, textOf(cut)).toBeFalsy();
      const { segments } = cut.structuredContent as { segments: { count: number; kept_seconds: number; segments: { start: number; end: number }[] } };
      const truth = set.truth;
      const kept = segments.segments;
      if (want.audioStreams > 0) {
        // Heard the speech: both sentences kept, the 1.5 s pause between them dropped.
        for (const [a, b] of truth.speech) expect(inside((a + b) / 2, kept), `${name} keeps ${a}-${b}: ${JSON.stringify(kept)}`).toBe(true);
        expect(inside((truth.pause[0] + truth.pause[1]) / 2, kept), `${name} drops the pause`).toBe(false);
      } else {
        expect(segments.count).toBe(1);
      }

      const output = want.video ? "mp4" : "m4a";
      const r = await conn.call("create_render", { asset_id: asset.id, cut_id: (cut.structuredContent as { cut: { id: string } }).cut.id, output, wait_seconds: 50 });
      expect(r.isError, textOf(r)).toBeFalsy();
      const render = (r.structuredContent as { render: { id: string; state: string } }).render;
      expect(render.state, textOf(r)).toBe("completed");
      const d = await conn.call("download_render", { render_id: render.id });
      expect(d.isError, textOf(d)).toBeFalsy();
      const saved = (d.structuredContent as { saved_to: string }).saved_to;

      const out = ffprobeOut(saved);
      expect(Math.abs(out.duration - segments.kept_seconds), `${name}: render ${out.duration} s, cut keeps ${segments.kept_seconds} s`).toBeLessThan(0.15);
      const audio = out.streams.filter((s) => s.codec_type === "audio");
      const video = out.streams.filter((s) => s.codec_type === "video");
      expect(video.length).toBe(want.video ? 1 : 0);
      // Video outputs keep every source audio stream; an audio output holds one (a mix when there are several).
      expect(audio.length).toBe(want.video ? want.audioStreams : 1);
      if (want.shown) expect(shownSize(video[0]!)).toEqual({ width: want.shown[0], height: want.shown[1] });
      if (want.audioStreams > 0) {
        // Speech is audible in the render (flite peaks near -3 dBFS; room tone sits near -50).
        const speechTrack = want.speechStream !== undefined ? audio.findIndex((s) => s.disposition?.default === 1) : 0;
        expect(speechTrack).toBeGreaterThanOrEqual(0);
        expect(peakDb(saved, `0:a:${speechTrack}`)).toBeGreaterThan(-20);
      }
    });
  }
});
