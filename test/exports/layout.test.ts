// Audio layout and picture size, from real files: ffmpeg makes mono, stereo, two-mono-stream, 5.1 and portrait
// (coded landscape, turned 90 degrees) sources, the sandbox's probe reads them, and each export is read back by
// fast-xml-parser and xmllint. The expected channels come from ffprobe's own answer, the expected display size
// from how the file was made.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSourceOf, renderExport, type ExportFormat, type ExportInput } from "../../src/sandbox/media/exports/index.js";
import { ffmpegBinary, ffprobeBinary } from "../../src/sandbox/media/ffmpeg.js";
import { probeMedia } from "../../src/sandbox/media/probe.js";
import type { MediaInfo } from "../../src/sandbox/media/types.js";
import { type Loose, fcpxSeconds, readEdl, readXml, xmllint } from "./helpers.js";

let dir: string;

interface Made {
  file: string;
  info: MediaInfo;
  /** Channels per audio stream, as ffprobe reports them. */
  channels: number[];
}

const made = new Map<string, Made>();

function ffmpeg(args: string[]): void {
  const r = spawnSync(ffmpegBinary(), ["-v", "error", "-y", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

function probedChannels(file: string): number[] {
  const r = spawnSync(ffprobeBinary(), ["-v", "error", "-select_streams", "a", "-show_entries", "stream=channels", "-of", "csv=p=0", file], {
    encoding: "utf8",
  });
  return r.stdout.trim().split("\n").filter(Boolean).map(Number);
}

const PICTURE = ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=3"];
const TONE = (n: number) => ["-f", "lavfi", "-i", `sine=f=${300 + n * 100}:sample_rate=48000:d=3`];

const SOURCES: Record<string, { args: string[]; ext: string }> = {
  mono: { args: [...PICTURE, ...TONE(1), "-ac", "1", "-c:v", "libx264", "-c:a", "aac"], ext: "mp4" },
  stereo: { args: [...PICTURE, ...TONE(1), "-ac", "2", "-c:v", "libx264", "-c:a", "aac"], ext: "mp4" },
  "two mono streams": {
    args: [...PICTURE, ...TONE(1), ...TONE(2), "-map", "0:v", "-map", "1:a", "-map", "2:a", "-ac", "1", "-c:v", "libx264", "-c:a", "aac"],
    ext: "mov",
  },
  "three channels": { args: [...PICTURE, ...TONE(1), "-ac", "3", "-c:v", "libx264", "-c:a", "aac"], ext: "mp4" },
  "5.1": { args: [...PICTURE, ...TONE(1), "-ac", "6", "-c:v", "libx264", "-c:a", "aac"], ext: "mp4" },
  "stereo and 5.1 streams": {
    args: [...PICTURE, ...TONE(1), ...TONE(2), "-map", "0:v", "-map", "1:a", "-map", "2:a", "-ac:a:0", "2", "-ac:a:1", "6", "-c:v", "libx264", "-c:a", "aac"],
    ext: "mov",
  },
  "audio-only mono": { args: [...TONE(1), "-ac", "1", "-c:a", "aac"], ext: "m4a" },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "roughy-layout-"));
  for (const [name, s] of Object.entries(SOURCES)) {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.${s.ext}`);
    ffmpeg([...s.args, file]);
    made.set(name, { file, info: await probeMedia(file), channels: probedChannels(file) });
  }
  // A phone's portrait video: coded 320x180, turned a quarter for display (set on a stream copy, where the muxer
  // writes it as the display matrix).
  const portrait = join(dir, "portrait.mp4");
  ffmpeg(["-i", made.get("stereo")!.file, "-c", "copy", "-metadata:s:v:0", "rotate=90", portrait]);
  made.set("portrait", { file: portrait, info: await probeMedia(portrait), channels: probedChannels(portrait) });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What the sandbox's export route gives the writers for an asset with this probe (the route's own mapping). */
function inputOf(m: Made): ExportInput {
  const i = m.info;
  return {
    segments: [
      { start: 0.2, end: 0.9 },
      { start: 1.4, end: 2.6 },
    ],
    source: exportSourceOf(i, m.file.split("/").pop() as string),
    frameRate: i.frame_rate ?? 25,
    title: "layout",
  };
}

function body(format: ExportFormat, m: Made): string {
  const out = renderExport(format, inputOf(m)).body;
  if (format !== "edl" && format !== "otio") {
    const lint = xmllint(out);
    if (lint !== null) expect(lint).toBe("");
  }
  return out;
}

describe("audio as the source has it, in every format", () => {
  it.each(["mono", "stereo", "two mono streams", "three channels", "5.1", "stereo and 5.1 streams", "audio-only mono"])("%s: xmeml has one linked clip item per channel", (name) => {
    const m = made.get(name)!;
    const total = m.channels.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    const seq: Loose = readXml(body("xmeml", m)).xmeml.sequence;
    const video: Loose[] = seq.media.video.track ?? [];
    const audio: Loose[] = seq.media.audio.track;
    expect(audio).toHaveLength(total);
    audio.forEach((t, i) => {
      for (const c of t.clipitem) expect(c.sourcetrack).toEqual({ mediatype: "audio", trackindex: i + 1 });
    });
    // The file declares the source's channel count.
    const file = [...video, ...audio].flatMap((t) => t.clipitem).find((c: Loose) => c.file.name !== undefined).file;
    expect(file.media.audio.channelcount).toBe(total);
    // Every clip item of an event names every other (and itself) by id, track and position.
    const all = [...video.map((t, i) => ({ t, kind: "video", index: i + 1 })), ...audio.map((t, i) => ({ t, kind: "audio", index: i + 1 }))];
    const byId = new Map<string, { kind: string; track: number; clip: number; start: number }>();
    for (const { t, kind, index } of all) {
      t.clipitem.forEach((c: Loose, k: number) => byId.set(c["@_id"], { kind, track: index, clip: k + 1, start: c.start }));
    }
    const perEvent = all.length;
    for (const { t } of all) {
      for (const c of t.clipitem) {
        const links: Loose[] = perEvent > 1 ? (Array.isArray(c.link) ? c.link : [c.link]) : [];
        expect(links).toHaveLength(perEvent > 1 ? perEvent : 0);
        for (const l of links) {
          const target = byId.get(l.linkclipref);
          expect(target, l.linkclipref).toBeDefined();
          expect([target!.kind, target!.track, target!.clip, target!.start]).toEqual([l.mediatype, l.trackindex, l.clipindex, c.start]);
        }
      }
    }
    // A stereo stream's channels go left and right; mono and other layouts are not panned by the track.
    const outputs = audio.map((t) => t.outputchannelindex);
    const expected = m.channels.flatMap((n) => Array.from({ length: n }, (_, i) => (n === 2 ? i + 1 : undefined)));
    expect(outputs).toEqual(expected);
  });

  it.each(["mono", "stereo", "two mono streams", "three channels", "5.1", "stereo and 5.1 streams", "audio-only mono"])("%s: FCPXML asset and sequence carry the layout", (name) => {
    const m = made.get(name)!;
    const total = m.channels.reduce((a, b) => a + b, 0);
    const x: Loose = readXml(body("fcpxml", m)).fcpxml;
    const asset = x.resources.asset[0];
    expect(asset["@_audioSources"]).toBe(String(m.channels.length));
    expect(asset["@_audioChannels"]).toBe(String(total));
    expect(x.library.event.project.sequence["@_audioLayout"]).toBe(total === 1 ? "mono" : total >= 6 ? "surround" : "stereo");
  });

  // CMX 3600 names channels 1-2 in the event and 3-4 on an AUD line; nothing names a fifth.
  it.each([
    ["mono", "B", []],
    ["stereo", "AA/V", []],
    ["two mono streams", "AA/V", []],
    ["three channels", "AA/V", [3]],
    ["5.1", "AA/V", [3, 4]],
    ["stereo and 5.1 streams", "AA/V", [3, 4]],
    ["audio-only mono", "A", []],
  ])("%s: EDL events are %s with AUD %j", (name, code, aud) => {
    const m = made.get(name)!;
    const total = m.channels.reduce((a, b) => a + b, 0);
    const edl = readEdl(body("edl", m));
    expect(edl.events.map((e) => [e.channels, e.aud])).toEqual([
      [code, aud],
      [code, aud],
    ]);
    // The event names min(4, channels) channels, read from ffprobe's count.
    const named = (code === "B" || code === "A" ? 1 : 2) + aud.length;
    expect(named).toBe(Math.min(4, total));
  });

  it.each(["mono", "stereo", "two mono streams", "three channels", "5.1", "stereo and 5.1 streams", "audio-only mono"])(
    "%s: OTIO has one audio track per stream, mapping each of its channels, linked to the picture",
    (name) => {
      const m = made.get(name)!;
      const doc: Loose = JSON.parse(body("otio", m));
      const tracks: Loose[] = doc.tracks.children;
      const video = tracks.filter((t) => t.kind === "Video");
      const audio = tracks.filter((t) => t.kind === "Audio");
      expect(video).toHaveLength(m.info.has_video ? 1 : 0);
      // ffprobe's streams and channels, track for track.
      expect(audio.map((t) => t.children[0].metadata.Resolve_OTIO.Channels.length)).toEqual(m.channels);
      audio.forEach((t, stream) => {
        expect(t.name).toBe(`A${stream + 1}`);
        const n = m.channels[stream]!;
        expect(t.metadata.Resolve_OTIO?.["Audio Type"]).toBe(n === 1 ? "Mono" : n === 2 ? "Stereo" : undefined);
        for (const c of t.children) {
          expect(c.metadata.Resolve_OTIO.Channels).toEqual(Array.from({ length: n }, (_, ch) => ({ "Source Channel ID": ch, "Source Track ID": stream })));
        }
      });
      // Every track cuts the same spans, and the clips of one event share a link group (none when alone).
      const spans = (t: Loose) => t.children.map((c: Loose) => [c.source_range.start_time.value, c.source_range.duration.value]);
      for (const t of tracks) expect(spans(t)).toEqual(spans(tracks[0]));
      const groups = (t: Loose) => t.children.map((c: Loose) => c.metadata.Resolve_OTIO?.["Link Group ID"]);
      for (const t of tracks) expect(groups(t)).toEqual(tracks.length > 1 ? [1, 2] : [undefined, undefined]);
    },
  );
});

describe("portrait video", () => {
  it("the probe records the turn and the display size", () => {
    const i = made.get("portrait")!.info;
    // A quarter turn either way (muxers disagree on the sign of the `rotate` tag); the picture stands up.
    expect([90, 270]).toContain(i.rotation);
    expect([i.width, i.height, i.display_width, i.display_height]).toEqual([320, 180, 180, 320]);
    const plain = made.get("stereo")!.info;
    expect([plain.rotation, plain.display_width, plain.display_height]).toEqual([0, 320, 180]);
  });

  it("xmeml and FCPXML declare the picture as shown, 180x320", () => {
    const m = made.get("portrait")!;
    const seq: Loose = readXml(body("xmeml", m)).xmeml.sequence;
    const sc = seq.media.video.format[0].samplecharacteristics;
    expect([sc.width, sc.height]).toEqual([180, 320]);
    const fmt = readXml(body("fcpxml", m)).fcpxml.resources.format[0];
    expect([fmt["@_width"], fmt["@_height"]]).toEqual(["180", "320"]);
    // No named FCP format is portrait: the name is left out, and FCP builds it from size and rate.
    expect(fmt["@_name"]).toBeUndefined();
    expect(fcpxSeconds(fmt["@_frameDuration"])).toBeCloseTo(1 / 25, 9);
  });
});
