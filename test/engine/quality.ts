// Scores a cut against ground truth (the flite fixture's, or a real-speech clip's from scripts/make-real-speech.mjs);
// shared by the engine tests and bench/cut-quality.ts so that both measure the same thing.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MediaInfo, Segment, Word } from "../../src/sandbox/media/types.js";

export type PieceKind = "script" | "filler" | "restart" | "aside" | "pause";

export interface TruthPiece {
  kind: PieceKind;
  text: string;
  start: number;
  end: number;
  words?: Word[];
}

export interface Truth {
  duration: number;
  pieces: TruthPiece[];
  script_word_count: number;
  words: Word[];
}

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const fixturePath = (name: string) => FIXTURES + name;
export const loadTruth = (): Truth => JSON.parse(readFileSync(fixturePath("interview.truth.json"), "utf8")) as Truth;
export const loadScript = (): string => readFileSync(fixturePath("interview.script.txt"), "utf8");

export interface RealClip {
  name: string;
  mediaPath: string;
  info: MediaInfo;
  truth: Truth;
  script: string;
}

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TESTDATA = process.env.POCKETSPHINX_TESTDATA ?? "/usr/share/pocketsphinx/test/data";
/** True when the real-speech clips can be built here (Debian's pocketsphinx-testdata and the recogniser). */
export const realSpeechAvailable = () => existsSync(`${TESTDATA}/librivox/fileids`);

/**
 * The real-speech clips, built on first use into the git-ignored .cache/real-speech (forced alignment takes
 * a few seconds of CPU once; later runs reuse the files).
 */
export function loadRealClips(): RealClip[] {
  const out = `${REPO}.cache/real-speech/`;
  execFileSync(process.execPath, [`${REPO}scripts/make-real-speech.mjs`, out], { stdio: ["ignore", "ignore", "inherit"] });
  const manifest = JSON.parse(readFileSync(`${out}manifest.json`, "utf8")) as { clips: Array<{ name: string; media: string; sample_rate: number; truth: string; script: string }> };
  return manifest.clips.map((c) => {
    const truth = JSON.parse(readFileSync(out + c.truth, "utf8")) as Truth;
    const info: MediaInfo = { media_type: "audio", duration: truth.duration, has_video: false, has_audio: true, frame_rate: null, sample_rate: c.sample_rate };
    return { name: c.name, mediaPath: out + c.media, info, truth, script: readFileSync(out + c.script, "utf8") };
  });
}

export function fixtureInfo(truth: Truth, video = true): MediaInfo {
  return video
    ? { media_type: "video", duration: truth.duration, has_video: true, has_audio: true, frame_rate: 30000 / 1001, frame_rate_num: 30000, frame_rate_den: 1001, width: 320, height: 180, sample_rate: 48000 }
    : { media_type: "audio", duration: truth.duration, has_video: false, has_audio: true, frame_rate: null, sample_rate: 48000 };
}

const overlap = (a: Segment, segs: Segment[]) => segs.reduce((t, s) => t + Math.max(0, Math.min(a.end, s.end) - Math.max(a.start, s.start)), 0);

export interface Quality {
  /** Share of script words kept whole (within 10 ms). */
  scriptWordsKept: number;
  /** Share of filler + restart + aside time removed. */
  unwantedRemoved: number;
  byKind: Record<"filler" | "restart" | "aside", number>;
  /** Longest pause left in the output at any one join or inside a span, seconds. */
  longestPauseKept: number;
  /** Cut boundaries that fall inside a ground-truth word (deeper than 10 ms). */
  insideWord: Array<{ boundary: number; word: string; depthMs: number }>;
  /** |breath actually left - breath intended| at each boundary, ms. */
  boundaryErrorMeanMs: number;
  boundaryErrorMaxMs: number;
  keptSeconds: number;
}

export function scoreCut(truth: Truth, segments: Segment[], breath = 0.25): Quality {
  const TOL = 0.01;
  const scriptWords = truth.pieces.filter((p) => p.kind === "script").flatMap((p) => p.words ?? []);
  const kept = scriptWords.filter((w) => segments.some((s) => s.start <= w.start + TOL && s.end >= w.end - TOL)).length;
  const byKind = { filler: 0, restart: 0, aside: 0 };
  let unwanted = 0;
  let removed = 0;
  for (const kind of ["filler", "restart", "aside"] as const) {
    const pieces = truth.pieces.filter((p) => p.kind === kind);
    const total = pieces.reduce((t, p) => t + p.end - p.start, 0);
    const rem = pieces.reduce((t, p) => t + (p.end - p.start - overlap(p, segments)), 0);
    byKind[kind] = total > 0 ? rem / total : 1;
    unwanted += total;
    removed += rem;
  }
  // pauses left: inside a span, the kept part of each ground-truth pause; across a join, the two sides add up
  let longestPauseKept = 0;
  for (const p of truth.pieces.filter((x) => x.kind === "pause")) longestPauseKept = Math.max(longestPauseKept, overlap(p, segments));

  const words = truth.words;
  const insideWord: Quality["insideWord"] = [];
  const errors: number[] = [];
  for (const s of segments) {
    for (const [b, isStart] of [[s.start, true], [s.end, false]] as const) {
      if (b <= TOL || b >= truth.duration - TOL) continue;
      const w = words.find((x) => b > x.start + TOL && b < x.end - TOL);
      if (w) {
        insideWord.push({ boundary: b, word: w.word, depthMs: Math.round(1000 * Math.min(b - w.start, w.end - b)) });
        continue;
      }
      // the word the boundary leads into (start) or out of (end), and the silence on the cut side of it
      if (isStart) {
        const next = words.find((x) => x.start >= b - TOL);
        if (!next) continue;
        const prevEnd = Math.max(0, ...words.filter((x) => x.end <= next.start + TOL && x !== next).map((x) => x.end));
        const ideal = Math.min(breath, next.start - prevEnd);
        errors.push(Math.abs(next.start - b - ideal) * 1000);
      } else {
        const prev = [...words].reverse().find((x) => x.end <= b + TOL);
        if (!prev) continue;
        const nextStart = Math.min(truth.duration, ...words.filter((x) => x.start >= prev.end - TOL && x !== prev).map((x) => x.start));
        const ideal = Math.min(breath, nextStart - prev.end);
        errors.push(Math.abs(b - prev.end - ideal) * 1000);
      }
    }
  }
  return {
    scriptWordsKept: scriptWords.length ? kept / scriptWords.length : 1,
    unwantedRemoved: unwanted > 0 ? removed / unwanted : 1,
    byKind,
    longestPauseKept,
    insideWord,
    boundaryErrorMeanMs: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : 0,
    boundaryErrorMaxMs: errors.length ? Math.max(...errors) : 0,
    keptSeconds: segments.reduce((t, s) => t + s.end - s.start, 0),
  };
}
