// Subtitles judged against the render, not against our own arithmetic: a scripted cut of the fixture (video at
// 29.97 fps, and the audio-only m4a) is rendered to m4a and mp3 through the sandbox, and every subtitle word is
// found in each rendered file by cross-correlating the word's own sound from the source (its flite ground-truth
// time) with the render near where the subtitle claims it. The subtitle must be within 1 ms of where the render
// plays the word; the edit decisions (OTIO, and the EDL: at the media's rate, or at frame_rate 25 for audio-only
// media, the cut's grid) must put it there too; and no cue may run across a join.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import SrtParser from "srt-parser-2";
import { MemoryResumeStore, type Cut, type RoughyClient } from "../../src/client/index.js";
import { ffmpegBinary } from "../../src/sandbox/media/ffmpeg.js";
import { eventually, FIXTURES, startHarness, type Harness } from "../client/harness.js";
import { loadScript, loadTruth, type Truth } from "../engine/quality.js";
import { ndfFrames, readEdl } from "./helpers.js";

const RATE = 48000;

interface VttCue {
  startTime: number;
  endTime: number;
  tree: { children: VttNode[] };
}
interface VttNode {
  type: string;
  value?: unknown;
  children?: VttNode[];
}
const { WebVTTParser } = createRequire(import.meta.url)("webvtt-parser") as {
  WebVTTParser: new () => { parse(input: string): { cues: VttCue[]; errors: Array<{ message: string }> } };
};

/** Decoded mono PCM at 48 kHz, from ffmpeg itself. */
function pcm(file: string): Float32Array {
  const r = spawnSync(ffmpegBinary(), ["-v", "error", "-i", file, "-map", "0:a:0", "-ac", "1", "-ar", String(RATE), "-f", "f32le", "-"], {
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${String(r.stderr)}`);
  const b = r.stdout as Buffer;
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * Where (seconds) the render plays `source[from, from+len)`, searched within ±`reach` seconds of `guess`: the
 * lag of the highest normalised cross-correlation, and that correlation.
 */
function locate(source: Float32Array, render: Float32Array, from: number, len: number, guess: number, reach = 0.04): { at: number; score: number } {
  const a = Math.round(from * RATE);
  const n = Math.round(len * RATE);
  const snip = source.subarray(a, a + n);
  let snipEnergy = 0;
  for (const v of snip) snipEnergy += v * v;
  let best = { at: NaN, score: -Infinity };
  const g = Math.round(guess * RATE);
  for (let lag = Math.max(0, g - reach * RATE); lag <= Math.min(render.length - n, g + reach * RATE); lag++) {
    let dot = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      const r = render[lag + i] as number;
      dot += (snip[i] as number) * r;
      e += r * r;
    }
    const score = dot / Math.sqrt(snipEnergy * e || 1);
    if (score > best.score) best = { at: lag / RATE, score };
  }
  return best;
}

/** Subtitle words with the time the file gives each: its inline stamp, or the cue start for a cue's first word. */
function vttWords(cues: VttCue[]): Array<{ text: string; at: number; stamped: boolean; cue: number }> {
  const out: Array<{ text: string; at: number; stamped: boolean; cue: number }> = [];
  cues.forEach((cue, ci) => {
    let at = cue.startTime;
    let stamped = true;
    const walk = (nodes: VttNode[]) => {
      for (const node of nodes) {
        if (node.type === "timestamp") {
          at = node.value as number;
          stamped = true;
        } else if (node.type === "text") {
          for (const w of String(node.value).split(/\s+/).filter(Boolean)) {
            out.push({ text: w, at, stamped, cue: ci });
            stamped = false;
          }
        }
        if (node.children) walk(node.children);
      }
    };
    walk(cue.tree.children);
  });
  return out;
}

const norm = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, "");

interface Kept {
  srcIn: number;
  srcOut: number;
  recIn: number;
}

/** The kept spans as the OTIO export states them (first track), read with JSON alone. */
function keptFromOtio(text: string): Kept[] {
  const doc = JSON.parse(text) as { tracks: { children: Array<{ children: Array<{ OTIO_SCHEMA: string; source_range: { start_time: { value: number; rate: number }; duration: { value: number; rate: number } }; media_references: { DEFAULT_MEDIA: { available_range: { start_time: { value: number; rate: number } } } } }> }> } };
  let rec = 0;
  return doc.tracks.children[0]!.children.filter((c) => c.OTIO_SCHEMA.startsWith("Clip")).map((c) => {
    const r = c.source_range;
    const origin = c.media_references.DEFAULT_MEDIA.available_range.start_time;
    const srcIn = r.start_time.value / r.start_time.rate - origin.value / origin.rate;
    const d = r.duration.value / r.duration.rate;
    const k = { srcIn, srcOut: srcIn + d, recIn: rec };
    rec += d;
    return k;
  });
}

let h: Harness;
let dir: string;
let truth: Truth;

// A client per case: the correlation below holds the event loop for seconds, long enough for the sandbox to
// close the previous case's idle keep-alive sockets under the client's feet.
let client: RoughyClient;

async function scriptedCut(fixture: string): Promise<Cut> {
  client = h.newClient();
  const project = await client.projects.create({ name: `sync ${fixture}` });
  const up = await client.uploads.uploadFile({ path: join(FIXTURES, fixture), projectId: project.id, resumeStore: new MemoryResumeStore() });
  const r = await h.control("PUT", `/sandbox/assets/${up.asset.id}/transcript`, { words: truth.words });
  expect(r.status).toBeLessThan(300);
  await client.waitForCuttable(up.asset.id, { timeoutMs: 60_000 });
  const created = await client.cuts.create({ asset_id: up.asset.id, script: loadScript() });
  return eventually(async () => {
    const c = await client.cuts.get(created.cut.id);
    if (c.state === "failed") throw new Error(`cut failed: ${c.error_code} ${c.error_message}`);
    return c.state === "completed" ? c : undefined;
  }, 200);
}

/** The kept spans as the EDL states them: non-drop timecode counting `timebase` labels a second, frames of 1/fps s. */
function keptFromEdl(text: string, timebase: number, fps: number): Kept[] {
  const edl = readEdl(text);
  expect(edl.fcm).toBe("NON-DROP FRAME");
  return edl.events.map((e) => ({
    srcIn: ndfFrames(e.srcIn, timebase) / fps,
    srcOut: ndfFrames(e.srcOut, timebase) / fps,
    recIn: (ndfFrames(e.recIn, timebase) - 3600 * timebase) / fps,
  }));
}

async function rendered(cut: Cut, output: "m4a" | "mp3"): Promise<string> {
  const created = await client.renders.create({ asset_id: cut.asset_id, cut_id: cut.id, output });
  const done = await eventually(async () => {
    const r = await client.renders.get(created.id);
    if (r.state === "failed") throw new Error(`render failed: ${r.error_code} ${r.error_message}`);
    return r.state === "completed" ? r : undefined;
  }, 200);
  const dest = join(dir, `${cut.id}.${output}`);
  await client.renders.download(done, dest);
  return dest;
}

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), "roughy-sync-"));
  truth = loadTruth();
});

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each([
  ["interview.mp4", true],
  ["interview.m4a", false],
])("subtitles of a cut of %s against its rendered m4a and mp3", (fixture, video) => {
  it("every word is within 1 ms of where the render plays it, and no cue crosses a join", async () => {
    const cut = await scriptedCut(fixture);
    // The fixture's video is 29.97 fps (timecode counts 30 a second); audio-only media is cut on 25 fps frames,
    // so its EDL is asked at 25.
    const [timebase, edlFps] = video ? [30, 30000 / 1001] : [25, 25];
    const [vtt, srt, otio, edl, m4aPath, mp3Path] = await Promise.all([
      client.cuts.exportSubtitle(cut.id, "vtt"),
      client.cuts.exportSubtitle(cut.id, "srt"),
      client.cuts.export(cut.id, "otio"),
      client.cuts.export(cut.id, "edl", { frameRate: video ? undefined : edlFps }),
      rendered(cut, "m4a"),
      rendered(cut, "mp3"),
    ]);
    const parsed = new WebVTTParser().parse(vtt.content);
    expect(parsed.errors).toEqual([]);
    const ms = (t: number) => Math.round(t * 1000);
    const srtCues = new SrtParser().fromSrt(srt.content);
    expect(srtCues.map((c) => [ms(c.startSeconds), ms(c.endSeconds)])).toEqual(parsed.cues.map((c) => [ms(c.startTime), ms(c.endTime)]));

    const kept = keptFromOtio(otio.content);
    expect(kept.length).toBeGreaterThan(1);
    // The EDL states the same edit decisions as the OTIO, to the frame.
    const fromEdl = keptFromEdl(edl.content, timebase, edlFps);
    expect(fromEdl.map((k) => [k.srcIn, k.srcOut, k.recIn].map(ms))).toEqual(kept.map((k) => [k.srcIn, k.srcOut, k.recIn].map(ms)));
    const source = pcm(join(FIXTURES, fixture));
    const renders = { m4a: pcm(m4aPath), mp3: pcm(mp3Path) };
    const render = renders.m4a;

    // Each subtitle word is the next ground-truth word of the same text that lies in a kept span. A scripted cut
    // may spell a matched word the script's way ("2019" for "twenty nineteen"): such words are skipped, few.
    const candidates = truth.words
      .map((w) => ({ ...w, seg: kept.findIndex((k) => w.start + 0.001 >= k.srcIn && w.start < k.srcOut) }))
      .filter((w) => w.seg >= 0);
    let ti = 0;
    let measured = 0;
    let respelled = 0;
    const subtitleWords = vttWords(parsed.cues);
    const segOfCue = new Map<number, Set<number>>();
    for (const w of subtitleWords) {
      let at = ti;
      while (at < Math.min(candidates.length, ti + 4) && norm(candidates[at]!.word) !== norm(w.text)) at++;
      const t = at < candidates.length && norm(candidates[at]!.word) === norm(w.text) ? candidates[at] : undefined;
      if (!t) {
        respelled += 1;
        continue;
      }
      ti = at + 1;
      segOfCue.set(w.cue, (segOfCue.get(w.cue) ?? new Set()).add(t.seg));
      if (!w.stamped) continue;
      const k = kept[t.seg]!;
      const len = Math.min(0.12, k.srcOut - t.start, t.end - t.start);
      if (len < 0.04) continue;
      for (const [output, pcmData] of Object.entries(renders)) {
        const found = locate(source, pcmData, t.start, len, w.at);
        expect(found.score, `${output}: "${w.text}" at ${w.at}s: weak match`).toBeGreaterThan(0.8);
        expect(Math.abs(found.at - w.at) * 1000, `${output}: "${w.text}": subtitle ${w.at}s, render ${found.at}s`).toBeLessThanOrEqual(1);
        // The edit decisions place the word where the render does: one grid for all three.
        expect(Math.abs(k.recIn + (t.start - k.srcIn) - found.at) * 1000, `${output}: "${w.text}" in the edit decisions`).toBeLessThanOrEqual(1);
      }
      measured += 1;
    }
    expect(measured).toBeGreaterThanOrEqual(20);
    expect(respelled).toBeLessThanOrEqual(subtitleWords.length * 0.1);

    // No cue holds words of two kept spans, and none runs past the join that ends its span.
    const joins = kept.map((k) => k.recIn).slice(1);
    parsed.cues.forEach((cue, i) => {
      expect(segOfCue.get(i)?.size ?? 0, `cue ${i + 1} spans a join`).toBe(1);
      for (const j of joins) expect(cue.startTime < j - 0.0005 && cue.endTime > j + 0.0005, `cue ${i + 1} crosses ${j}`).toBe(false);
    });
    // The last cue ends by the end of the render.
    expect(parsed.cues.at(-1)!.endTime).toBeLessThanOrEqual(render.length / RATE + 0.001);
  });
});
