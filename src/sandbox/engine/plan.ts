// Decides which spans of the source a cut keeps. Words come from an attached transcript or the recogniser; with
// a script, the spoken words are aligned to it and what carries the script is kept (asides, fillers and abandoned
// takes go); without one, fillers, restarts and long pauses go; with no words at all, pauses alone decide.
// Cut points sit in the gaps between words, padded with a short breath, never inside a word.
import type { MediaInfo, Segment, Word } from "../media/types.js";
import { alignToScript, wordSimilarity } from "./align.js";
import { isFiller, normalizeWord, tokenizeScript } from "./normalize.js";
import { detectSpeech, type SpeechMap } from "./silence.js";
import { defaultTranscriber, INSTALL_HINT, type Transcriber } from "./transcriber.js";

export type CutFailureCode = "transcriber_unavailable" | "transcriber_failed" | "no_audio" | "no_speech" | "script_not_spoken" | "media_unreadable";

/** An expected reason a cut cannot be made; the message is shown to the user as the cut's error_message. */
export class CutFailure extends Error {
  readonly code: CutFailureCode;
  constructor(code: CutFailureCode, message: string) {
    super(message);
    this.name = "CutFailure";
    this.code = code;
  }
}

export interface PlanOptions {
  /** Silence kept on each side of a join, seconds. */
  breath: number;
  /** A removal shorter than this is not worth a jump cut, seconds. */
  minCut: number;
  /** Kept spans shorter than this are dropped, seconds. */
  minSegment: number;
}

export const DEFAULT_PLAN: PlanOptions = { breath: 0.25, minCut: 0.15, minSegment: 0.2 };

export interface ComputeCutInput {
  mediaPath: string;
  info: MediaInfo;
  script: string | null;
  transcript: Word[] | null;
  signal?: AbortSignal;
  /** Recogniser to use when no transcript is attached; undefined = ROUGHY_SANDBOX_TRANSCRIBER / auto, null = none. */
  transcriber?: Transcriber | null;
  options?: Partial<PlanOptions>;
}

export interface CutPlan {
  segments: Segment[];
  /** All known words of the source, in source time (script spellings where the aligner recognised a mishearing). */
  words: Word[];
}

export async function computeCut(input: ComputeCutInput): Promise<CutPlan> {
  const { info, signal } = input;
  const opts = { ...DEFAULT_PLAN, ...input.options };
  const script = input.script !== null && input.script.trim() !== "" ? input.script : null;
  const duration = info.duration;
  if (!info.has_audio) {
    if (script) throw new CutFailure("no_audio", "This asset has no audio track, so there is no speech to match the script against.");
    return { segments: duration > 0 ? [{ start: 0, end: duration }] : [], words: [] };
  }

  let words: Word[] | null = input.transcript ? [...input.transcript].sort((a, b) => a.start - b.start) : null;
  const fromRecogniser = words === null;
  if (words === null) {
    const transcriber = input.transcriber === undefined ? await defaultTranscriber() : input.transcriber;
    if (transcriber && (await transcriber.available())) {
      const vocabulary = script ? [...new Set(tokenizeScript(script).map((t) => t.token))] : null;
      try {
        words = await transcriber.transcribe({ mediaPath: input.mediaPath, info, vocabulary, signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        throw new CutFailure("transcriber_failed", `Speech recognition failed: ${(err as Error).message}`);
      }
    } else if (script) {
      throw new CutFailure("transcriber_unavailable", `A scripted cut needs the spoken words, and no speech recogniser is available. ${INSTALL_HINT}`);
    }
  }

  let speech: SpeechMap;
  try {
    speech = await detectSpeech(input.mediaPath, { duration, info, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new CutFailure("media_unreadable", `Could not read the audio: ${(err as Error).message}`);
  }
  const snapTo = fromRecogniser ? speech.silences : null;

  if (script) {
    const known = words ?? [];
    if (known.length === 0) throw new CutFailure("no_speech", "No speech was found in this asset, so nothing matches the script.");
    const planned = planScripted(known, script, duration, opts, snapTo);
    if (planned.segments.length === 0) {
      throw new CutFailure("script_not_spoken", "None of the script was found in the recording: check that the script belongs to this asset.");
    }
    return planned;
  }
  if (words && words.length > 0) return { segments: planScriptless(words, duration, opts, snapTo), words };
  return { segments: planFromPauses(speech.speech, duration, opts), words: words ?? [] };
}

// ---------------------------------------------------------------- pure planning (unit-tested)

const tokensOf = (w: Word) => normalizeWord(w.word);

/** A scripted cut fails when less than this share of the script's words is heard in the recording. */
export const MIN_SCRIPT_FOUND = 0.25;

/** Index sets of filler words: um, uh, er, ah, hmm and kin. */
export function findFillers(words: Word[]): Set<number> {
  const out = new Set<number>();
  words.forEach((w, i) => {
    const t = tokensOf(w);
    if (t.length > 0 && t.every(isFiller)) out.add(i);
  });
  return out;
}

/**
 * Words a recogniser probably invented: a lone, short, low-confidence word between pauses is nearly always a
 * filler or a noise it forced into a word (free recognition hears "um" as "them" or "so").
 */
export function findDoubtful(words: Word[], pause = 0.25, maxConfidence = 0.25): Set<number> {
  const out = new Set<number>();
  words.forEach((w, i) => {
    if (w.confidence === undefined || w.confidence > maxConfidence || w.end - w.start > 0.8) return;
    const before = i === 0 ? Infinity : w.start - (words[i - 1] as Word).end;
    const after = i === words.length - 1 ? Infinity : (words[i + 1] as Word).start - w.end;
    if (before >= pause && after >= pause) out.add(i);
  });
  return out;
}

/**
 * Abandoned takes: a phrase (words between pauses of at least `pause` seconds, fillers ignored) that the next
 * phrase starts over ("Today our tool takes" ... "Today our tool turns hours of ..."), and a word or few said
 * twice in a row ("we we started"). The earlier take is the one returned for removal. `keepIf` vetoes a
 * phrase restart (a scripted cut keeps a repeat that the script itself repeats).
 */
export function findRestarts(words: Word[], skip: Set<number> = new Set(), keepIf?: (repeatedStart: string[]) => boolean, pause = 0.3, window = 10): Set<number> {
  const out = new Set<number>();
  const phrases: number[][] = [];
  let cur: number[] = [];
  let lastEnd = -Infinity;
  words.forEach((w, i) => {
    if (skip.has(i)) return;
    if (cur.length > 0 && w.start - lastEnd >= pause) {
      phrases.push(cur);
      cur = [];
    }
    cur.push(i);
    lastEnd = w.end;
  });
  if (cur.length > 0) phrases.push(cur);
  const toks = (idx: number[]) => idx.flatMap((i) => tokensOf(words[i] as Word).map((t) => ({ t, i })));

  for (let p = 0; p + 1 < phrases.length; p++) {
    const a = toks(phrases[p] as number[]);
    if (a.length === 0) continue;
    const aEnd = (words[(phrases[p] as number[]).at(-1) as number] as Word).end;
    // look a few phrases ahead: "Today our tool takes ... a ... um ... Today our tool turns"
    for (let q = p + 1; q < Math.min(phrases.length, p + 4); q++) {
      const b = toks(phrases[q] as number[]);
      if ((words[(phrases[q] as number[])[0] as number] as Word).start - aEnd > window) break;
      if (b.length < a.length) continue;
      let k = 0;
      while (k < a.length && wordSimilarity((a[k] as { t: string }).t, (b[k] as { t: string }).t) >= 0.7) k++;
      const enough = a.length <= 2 ? k === a.length : k >= 2 && k >= Math.ceil(a.length / 2);
      if (enough && (!keepIf || !keepIf(a.map((x) => x.t).slice(0, k)))) {
        for (const x of phrases[p] as number[]) out.add(x);
        break;
      }
    }
  }

  // stutters inside a phrase: the same 1 to 4 words twice in a row
  for (const ph of phrases) {
    const t = toks(ph);
    for (let i = 0; i < t.length; i++) {
      for (let k = 4; k >= 1; k--) {
        if (i + 2 * k > t.length) continue;
        let same = true;
        for (let d = 0; d < k && same; d++) same = (t[i + d] as { t: string }).t === (t[i + k + d] as { t: string }).t;
        if (same) {
          for (let d = 0; d < k; d++) out.add((t[i + d] as { i: number }).i);
          break;
        }
      }
    }
  }
  return out;
}

export function planScriptless(words: Word[], duration: number, opts: PlanOptions = DEFAULT_PLAN, snapTo: Segment[] | null = null): Segment[] {
  const drop = findFillers(words);
  for (const i of findDoubtful(words)) drop.add(i);
  for (const i of findRestarts(words, drop)) drop.add(i);
  let keep = words.map((_, i) => !drop.has(i));
  if (snapTo) keep = keepGlued(words, keep);
  return segmentsFromWords(words, keep, duration, opts, snapTo);
}

/**
 * Recogniser words only: a short dropped run glued to kept words on both sides (no pause either side) is kept.
 * Inside fluent speech it is nearly always a misheard piece of a kept word ("tool" heard as "too of"), and a
 * jump cut there would land inside a word.
 */
export function keepGlued(words: Word[], keep: boolean[], glue = 0.1, maxRun = 0.6): boolean[] {
  const out = [...keep];
  let i = 0;
  while (i < words.length) {
    if (keep[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < words.length && !keep[j]) j++;
    const left = words[i - 1];
    const right = words[j];
    const first = words[i] as Word;
    const last = words[j - 1] as Word;
    if (left && right && first.start - left.end < glue && right.start - last.end < glue && last.end - first.start <= maxRun) {
      for (let k = i; k < j; k++) out[k] = true;
    }
    i = j;
  }
  return out;
}

export function planScripted(words: Word[], script: string, duration: number, opts: PlanOptions = DEFAULT_PLAN, snapTo: Segment[] | null = null): CutPlan {
  const scriptTokens = tokenizeScript(script).map((t) => t.token);
  const joined = ` ${scriptTokens.join(" ")} `;
  // An abandoned take is taken out before aligning, unless the script says the same words twice itself.
  const restarts = findRestarts(words, findFillers(words), (start) => {
    const needle = ` ${start.join(" ")} `;
    const at = joined.indexOf(needle);
    return at >= 0 && joined.indexOf(needle, at + 1) >= 0;
  });
  const spoken: string[] = [];
  const owner: number[] = [];
  const pauseBefore: number[] = [];
  let prevEnd = 0;
  words.forEach((w, i) => {
    if (restarts.has(i)) return;
    tokensOf(w).forEach((t, k) => {
      spoken.push(t);
      owner.push(i);
      pauseBefore.push(k === 0 ? Math.max(0, w.start - prevEnd) : 0);
    });
    prevEnd = Math.max(prevEnd, w.end);
  });
  const aligned = alignToScript(scriptTokens, spoken, { pauseBefore });
  let keep = words.map(() => false);
  const matchedTokens = words.map(() => [] as number[]);
  // A substitution (a pair that does not sound alike) is kept only beside a real match: a misheard word inside
  // a matched phrase, not a coincidence in unrelated speech.
  const strong = aligned.map((a) => a.scriptIndex >= 0 && a.similarity >= 0.8);
  let strongCount = 0;
  aligned.forEach((a, k) => {
    if (a.scriptIndex < 0) return;
    if (strong[k]) strongCount++;
    else if (!strong[k - 1] && !strong[k + 1]) return;
    const wi = owner[k] as number;
    keep[wi] = true;
    (matchedTokens[wi] as number[]).push(a.scriptIndex);
  });
  if (strongCount < Math.max(1, Math.ceil(MIN_SCRIPT_FOUND * scriptTokens.length))) {
    throw new CutFailure(
      "script_not_spoken",
      `Only ${strongCount} of the script's ${scriptTokens.length} words were found in the recording: check that the script belongs to this asset, or make a scriptless cut.`,
    );
  }
  if (snapTo) keep = keepGlued(words, keep);
  // Subtitles read better with the script's spelling where the recogniser misheard a word.
  const outWords = words.map((w, i) => {
    const m = matchedTokens[i] as number[];
    const toks = tokensOf(w);
    if (m.length === 1 && toks.length === 1 && toks[0] !== scriptTokens[m[0] as number]) return { ...w, word: scriptTokens[m[0] as number] as string };
    return w;
  });
  return { segments: segmentsFromWords(words, keep, duration, opts, snapTo), words: outWords };
}

/** Scriptless cut with no words: speech regions from the level, long pauses cut down to a breath. */
export function planFromPauses(speech: Segment[], duration: number, opts: PlanOptions = DEFAULT_PLAN): Segment[] {
  // blips under 80 ms (a click, a breath) are not speech worth keeping on their own
  const regions = speech.filter((s) => s.end - s.start >= 0.08).map((s) => ({ word: "", start: s.start, end: s.end }));
  return segmentsFromWords(regions, regions.map(() => true), duration, opts, null);
}

/**
 * Turns kept words into segments. Consecutive kept words stay together across a pause up to two breaths plus
 * minCut; a longer pause, or any dropped word, ends the span. Each span is padded by a breath into the silence
 * around it, but never into a neighbouring word; with `snapTo` (recogniser words, whose edges are approximate)
 * a boundary moves to the nearest detected pause. Then spans closer than minCut merge, and spans shorter than
 * minSegment go.
 */
export function segmentsFromWords(words: Word[], keep: boolean[], duration: number, opts: PlanOptions = DEFAULT_PLAN, snapTo: Segment[] | null = null): Segment[] {
  const spans: Segment[] = [];
  const maxInnerGap = 2 * opts.breath + opts.minCut;
  let first = -1;
  let last = -1;
  const endsBefore: number[] = []; // latest word end before index i (words may overlap slightly)
  words.reduce((m, w, i) => ((endsBefore[i] = m), Math.max(m, w.end)), 0);
  const flush = () => {
    if (first < 0) return;
    const a = words[first] as Word;
    const b = words[last] as Word;
    const prevEnd = endsBefore[first] ?? 0;
    const nextStart = last + 1 < words.length ? (words[last + 1] as Word).start : duration;
    let start = a.start - Math.max(0, Math.min(opts.breath, a.start - prevEnd));
    let end = b.end + Math.max(0, Math.min(opts.breath, nextStart - b.end));
    if (snapTo) {
      start = snapStart(a.start, start, snapTo, opts.breath);
      end = snapEnd(b.end, end, snapTo, opts.breath);
    }
    spans.push({ start: Math.max(0, start), end: Math.min(duration, end) });
    first = -1;
  };
  for (let i = 0; i < words.length; i++) {
    if (!keep[i]) {
      flush();
      continue;
    }
    if (first >= 0 && (words[i] as Word).start - (words[last] as Word).end > maxInnerGap) flush();
    if (first < 0) first = i;
    last = i;
  }
  flush();

  const merged: Segment[] = [];
  for (const s of spans.sort((x, y) => x.start - y.start)) {
    const prev = merged[merged.length - 1];
    if (prev && s.start - prev.end < opts.minCut) prev.end = Math.max(prev.end, s.end);
    else merged.push({ ...s });
  }
  return merged.filter((s) => s.end - s.start >= opts.minSegment).map((s) => ({ start: round(s.start), end: round(s.end) }));
}

const round = (x: number) => Math.round(x * 1000) / 1000;

// Recogniser word edges are off by tens of milliseconds; detected pauses are exact to the audio. A boundary
// within reach of a pause moves into it (a breath before the speech onset / after the offset).
function snapStart(wordStart: number, current: number, silences: Segment[], breath: number): number {
  let best: Segment | null = null;
  for (const s of silences) {
    if (s.end < wordStart - 0.2 || s.end > wordStart + 0.15) continue;
    if (!best || Math.abs(s.end - wordStart) < Math.abs(best.end - wordStart)) best = s;
  }
  return best ? best.end - Math.min(breath, best.end - best.start) : current;
}

function snapEnd(wordEnd: number, current: number, silences: Segment[], breath: number): number {
  let best: Segment | null = null;
  for (const s of silences) {
    if (s.start < wordEnd - 0.15 || s.start > wordEnd + 0.2) continue;
    if (!best || Math.abs(s.start - wordEnd) < Math.abs(best.start - wordEnd)) best = s;
  }
  return best ? best.start + Math.min(breath, best.end - best.start) : current;
}
