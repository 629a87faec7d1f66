// A long cut for the view's scale tests, made in the sandbox the way a real one is: a generated 20-odd minute
// source, a script of hundreds of sentences (about 18,000 characters), and a transcript in which every sentence
// is said as written with a hesitation ("um") between sentences, so the cut keeps each sentence as its own span
// and drops each hesitation. The words are known before the cut is made: they are the test's ground truth.

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import type { Frame } from "playwright-core";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { ffmpegBinary } from "../../src/sandbox/media/ffmpeg.js";
import { textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";

// Ordinary words of five letters or more, none a filler, none a number: each is its own token to the aligner.
const VOCABULARY = `
harbour lantern meadow orchard pebble quarry ribbon saddle timber velvet walnut amber beacon canvas dinner
engine fabric garden hollow island jigsaw kettle ladder marble needle oyster parcel quiver rocket silver
thistle umbrella valley window yonder zephyr anchor blossom candle dragon empire falcon glacier hammer
instant jacket kingdom lemon mirror nectar object pepper quartz river shadow tunnel uncle violet whisper
yellow zigzag across bright clever distant eager fellow gentle humble inside joyful kindly lively modern
narrow orange purple quiet rapid simple tender useful vivid warmer young zealous
`.trim().split(/\s+/);

export type LongCutPlan = {
  script: string;
  /** The script's words in order, as its captions write them (the script's spelling, no full stops): what the cut keeps. */
  keptWords: string[];
  /** The index in keptWords where each sentence starts. */
  sentenceStarts: number[];
  transcript: { word: string; start: number; end: number }[];
  duration: number;
};

/** `sentences` sentences of 5 to 8 distinct words; no two neighbours start alike (that would read as a retake). */
export function planLongCut(sentences: number): LongCutPlan {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const lines: string[][] = [];
  for (let s = 0; s < sentences; s++) {
    const length = 5 + (s % 4);
    const words: string[] = [];
    while (words.length < length) {
      const w = VOCABULARY[rand(VOCABULARY.length)]!;
      if (words.includes(w) || (words.length === 0 && lines[s - 1]?.[0]?.toLowerCase() === w)) continue;
      words.push(w);
    }
    words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
    words[length - 1] += ".";
    lines.push(words);
  }
  const transcript: LongCutPlan["transcript"] = [];
  let t = 0.6;
  const say = (word: string, seconds: number): void => {
    transcript.push({ word, start: round(t), end: round(t + seconds) });
    t += seconds;
  };
  lines.forEach((words, s) => {
    for (const w of words) {
      say(w.replace(/\.$/, "").toLowerCase(), 0.3);
      t += 0.05;
    }
    if (s < lines.length - 1) {
      t += 0.5;
      say("um", 0.3);
      t += 0.5;
    }
  });
  const sentenceStarts = lines.map((_, s) => lines.slice(0, s).reduce((n, l) => n + l.length, 0));
  const keptWords = lines.flat().map((w) => w.replace(/\.$/, ""));
  return { script: lines.map((l) => l.join(" ")).join(" "), keptWords, sentenceStarts, transcript, duration: Math.ceil(t + 1) };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * A tone as long as the plan (the transcript supplies the words; the engine only needs audio to exist). A minute
 * is encoded and then repeated by copying its packets: encoding an hour of AAC takes tens of seconds, copying none.
 */
export async function writeLongSource(dir: string, seconds: number): Promise<string> {
  const minute = path.join(dir, "tone-minute.m4a");
  const file = path.join(dir, "long-talk.m4a");
  const run = promisify(execFile);
  await run(ffmpegBinary(), ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=220:sample_rate=16000:duration=${Math.min(60, seconds)}`, "-ac", "1", "-c:a", "aac", "-b:a", "24k", minute]);
  await run(ffmpegBinary(), ["-v", "error", "-y", "-stream_loop", "-1", "-i", minute, "-t", String(seconds), "-c", "copy", file]);
  return file;
}

/** Uploads the source, attaches the planned transcript, and cuts it to the plan's script with create_cut. */
export async function makeLongCut(conn: Connected, sb: TestSandbox, dir: string, plan: LongCutPlan): Promise<{ assetId: string; cutId: string; cut: CallToolResult }> {
  const media = await writeLongSource(dir, plan.duration);
  const up = await conn.call("upload_media", { path: media, confirm_cost: true, wait_seconds: 50 });
  expect(up.isError, textOf(up)).toBeFalsy();
  const assetId = (up.structuredContent as { asset: { id: string } }).asset.id;
  const attached = await sb.control("PUT", `/sandbox/assets/${assetId}/transcript`, { words: plan.transcript });
  expect(attached.status, JSON.stringify(attached.body)).toBeLessThan(300);
  let cut = await conn.call("create_cut", { asset_id: assetId, script: plan.script, wait_seconds: 50 });
  expect(cut.isError, textOf(cut)).toBeFalsy();
  const cutId = (cut.structuredContent as { cut: { id: string } }).cut.id;
  // A slow machine may need longer than one wait: follow the cut to its end, then read it as get answers it.
  if ((cut.structuredContent as { cut?: { state?: string } }).cut?.state !== "completed") {
    for (let state = ""; state !== "completed"; ) {
      const waited = await conn.call("roughy_wait", { kind: "cut", id: cutId, wait_seconds: 50 });
      expect(waited.isError, textOf(waited)).toBeFalsy();
      state = (waited.structuredContent as { state: string }).state;
      expect(state, textOf(waited)).not.toBe("failed");
    }
    cut = await conn.call("roughy_get", { kind: "cut", id: cutId });
  }
  return { assetId, cutId, cut };
}

/** A REST read of the sandbox, as any API user makes it: the export files are the truth the view is held to. */
export async function readApi(sb: TestSandbox, pathname: string): Promise<string> {
  const r = await fetch(`${sb.sandbox.baseUrl}${pathname}`, { headers: { authorization: `Bearer ${sb.sandbox.apiKey}` } });
  expect(r.status, pathname).toBe(200);
  return r.text();
}

/** Kept segments from OTIO JSON: the clips of the first track, their source ranges in seconds. */
export function otioSegments(text: string): { segments: { start: number; end: number }[]; source: number } {
  type Time = { value: number; rate: number };
  type Range = { start_time: Time; duration: Time };
  type Clip = { OTIO_SCHEMA: string; source_range: Range; media_references: Record<string, { available_range: Range }>; active_media_reference_key: string };
  const doc = JSON.parse(text) as { tracks: { children: { children: Clip[] }[] } };
  const clips = doc.tracks.children[0]!.children.filter((c) => c.OTIO_SCHEMA.startsWith("Clip."));
  const sec = (t: Time): number => t.value / t.rate;
  const available = clips[0]!.media_references[clips[0]!.active_media_reference_key]!.available_range;
  const origin = sec(available.start_time);
  return {
    segments: clips.map((c) => ({ start: sec(c.source_range.start_time) - origin, end: sec(c.source_range.start_time) - origin + sec(c.source_range.duration) })),
    source: sec(available.duration),
  };
}

/** The words of a WebVTT file, cue by cue, without the karaoke stamps. */
export function vttWords(text: string): string[] {
  const cues = text.replace(/\r\n?/g, "\n").split(/\n\n+/).filter((block) => block.includes("-->"));
  return cues.flatMap((cue) => cue.split("\n").slice(cue.split("\n").findIndex((l) => l.includes("-->")) + 1).join(" ").replace(/<[^>]*>/g, " ").split(/\s+/).filter(Boolean));
}

// The project compiles without DOM types; what the page callback touches is typed here.
type DOMTokenListLike = { contains(name: string): boolean };

/** The words of each row of the view's "What stays" list, without its time label and its button. */
export async function shownRows(view: Frame): Promise<string[][]> {
  return view.locator(".words p").evaluateAll((ps) => ps.map((p) => [...p.childNodes].filter((n) => !["time", "toggle"].some((c) => (n as { classList?: DOMTokenListLike }).classList?.contains(c))).map((n) => n.textContent ?? "").join(" ").split(/\s+/).filter(Boolean)));
}
