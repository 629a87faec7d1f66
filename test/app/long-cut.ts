// A long cut for the view's scale tests, made in the sandbox the way a real one is: a generated 20-odd minute
// source, a script of hundreds of sentences (about 18,000 characters), and a transcript in which every sentence
// is said as written with a hesitation ("um") between sentences, so the cut keeps each sentence as its own span
// and drops each hesitation. The words are known before the cut is made: they are the test's ground truth.

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
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

/** A tone as long as the plan (the transcript supplies the words; the engine only needs audio to exist). */
export async function writeLongSource(dir: string, seconds: number): Promise<string> {
  const file = path.join(dir, "long-talk.m4a");
  await promisify(execFile)(ffmpegBinary(), ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=220:sample_rate=16000:duration=${seconds}`, "-ac", "1", "-c:a", "aac", "-b:a", "24k", file]);
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
