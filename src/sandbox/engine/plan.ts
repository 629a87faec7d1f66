// Decides which spans of the source a cut keeps. Words come from an attached transcript or the recogniser; with
// a script, the spoken words are aligned to it and what carries the script is kept (asides, fillers and abandoned
// takes go); without one, fillers, restarts and long pauses go; with no words at all, pauses alone decide.
// Cut points sit in the pauses between words (or, where none separates a kept word from a dropped one, at the
// quietest moment between them), padded with a short breath, never inside a word.
import type { MediaInfo, Segment, Word } from "../media/types.js";
import { alignToScript, wordSimilarity } from "./align.js";
import { type Envelope, faintEdge, quietestPoint, readEnvelope } from "./envelope.js";
import { isFiller, normalizeWord, tokenizeScriptWords } from "./normalize.js";
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
  /** The asset's spoken-language hint (BCP 47 or a name); null or undefined = not given. */
  language?: string | null;
  options?: Partial<PlanOptions>;
}

/** Where the audio is quiet: detected pauses, and the level for the quietest point where there is no pause. */
export interface SoundMap {
  silences: Segment[];
  envelope: Envelope | null;
}

/** The offline recogniser's model is US English: true for English or an unstated language. */
export function recognisableLanguage(language: string | null | undefined): boolean {
  if (!language || !language.trim()) return true;
  return /^(en|eng|english)([-_].*)?$/i.test(language.trim());
}

/** True when most letters of the script are not Latin letters (Cyrillic, Arabic, Hebrew, CJK, ...). */
export function otherWritingSystem(text: string): boolean {
  const latin = (text.match(/\p{Script=Latin}/gu) ?? []).length;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  return letters > 0 && latin < letters / 2;
}

/** Something the user should know about how a completed cut was made (see the engine section of the README). */
export interface CutWarning {
  code: string;
  message: string;
}

/**
 * Why the plan left a word out: a hesitation, an abandoned take, speech that does not carry the script, or a
 * word the recogniser probably invented (or a fragment too short to stand as a span of its own). A removed
 * stretch that holds no dropped word is a pause; readers derive that, so it is not a reason here.
 */
export type DropReason = "filler" | "restart" | "aside" | "doubtful";

/** A word outside every kept segment, in source seconds, as recognised (or as the transcript has it). */
export interface DroppedWord {
  word: string;
  start: number;
  end: number;
  reason: DropReason;
}

export interface CutPlan {
  segments: Segment[];
  warnings?: CutWarning[];
  /** All known words of the source, in source time (script spellings where the aligner recognised a mishearing). */
  words: Word[];
  /** The known words the segments leave out, with why, in source order; none for a plan made from pauses. */
  dropped: DroppedWord[];
}

export async function computeCut(input: ComputeCutInput): Promise<CutPlan> {
  const { info, signal } = input;
  const opts = { ...DEFAULT_PLAN, ...input.options };
  const script = input.script !== null && input.script.trim() !== "" ? input.script : null;
  const duration = info.duration;
  if (!info.has_audio) {
    if (script) throw new CutFailure("no_audio", "This asset has no audio track, so there is no speech to match the script against.");
    return { segments: duration > 0 ? [{ start: 0, end: duration }] : [], words: [], dropped: [] };
  }

  const warnings: CutWarning[] = [];
  let words: Word[] | null = input.transcript ? [...input.transcript].sort((a, b) => a.start - b.start) : null;
  const fromRecogniser = words === null;
  let transcriber: Transcriber | null = null;
  const sentences = script ? scriptSentences(script) : null;
  const recognise = async (constrained: boolean): Promise<Word[]> => {
    try {
      return await (transcriber as Transcriber).transcribe({ mediaPath: input.mediaPath, info, sentences: constrained ? sentences : null, signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new CutFailure("transcriber_failed", `Speech recognition failed: ${(err as Error).message}`);
    }
  };
  if (words === null) {
    const english = recognisableLanguage(input.language);
    const latinScript = !script || !otherWritingSystem(script);
    if (!english || !latinScript) {
      // The English model would turn this speech into English-sounding words, and a plan built on them keeps or
      // drops the wrong things; pauses are language-independent.
      const why = !english ? `the asset's language is "${input.language}"` : "the script is not written in the Latin alphabet";
      warnings.push({
        code: "language_unsupported",
        message: `The sandbox's offline recogniser knows English only and ${why}, so this cut was made from pauses alone: long pauses are shortened and all speech is kept${script ? "; the script was not applied" : ""}. For a word-level cut, attach a transcript with PUT /sandbox/assets/{id}/transcript.`,
      });
    } else {
      transcriber = input.transcriber === undefined ? await defaultTranscriber() : input.transcriber;
      if (transcriber && (await transcriber.available())) {
        const rate = info.sample_rate ?? 16000;
        if (rate < 16000) {
          warnings.push({
            code: "recognition_degraded",
            message: `The audio is narrowband (${rate} Hz, telephone-like) and the offline recogniser's model is made for 16 kHz speech: words were recognised less reliably, so check the cut's edges.`,
          });
        }
        words = await recognise(script !== null);
      } else if (script) {
        throw new CutFailure("transcriber_unavailable", `A scripted cut needs the spoken words, and no speech recogniser is available. ${INSTALL_HINT}`);
      } else {
        transcriber = null;
      }
    }
  }

  let speech: SpeechMap;
  let envelope: Envelope | null = null;
  try {
    speech = await detectSpeech(input.mediaPath, { duration, info, signal });
    if (fromRecogniser && words) envelope = await readEnvelope(input.mediaPath, info, signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new CutFailure("media_unreadable", `Could not read the audio: ${(err as Error).message}`);
  }
  const sound: SoundMap | null = fromRecogniser ? { silences: speech.silences, envelope } : null;
  const done = (plan: CutPlan): CutPlan => (warnings.length > 0 ? { ...plan, warnings } : plan);

  if (script && words) {
    if (words.length === 0) throw new CutFailure("no_speech", "No speech was found in this asset, so nothing matches the script.");
    try {
      return done(planScripted(words, script, duration, opts, sound));
    } catch (err) {
      // On a near miss (some of the script heard in order, not enough), free recognition gets a say before the
      // cut fails: the script's model may have steered the recogniser wrong. Far below, the script was not said.
      if (!(err instanceof ScriptNotSpoken) || err.found < 0.1 * err.total || !fromRecogniser || !transcriber) throw err;
      const free = await recognise(false);
      try {
        return done(planScripted(free, script, duration, opts, sound));
      } catch {
        throw err;
      }
    }
  }
  if (words && words.length > 0 && (!fromRecogniser || confidentEnough(words, speech.speech))) {
    const plan = planScriptlessCut(words, duration, opts, sound);
    if (plan.segments.length > 0 || speech.speech.length === 0) return done(plan);
  }
  if (fromRecogniser && words && words.length > 0) {
    warnings.push({ code: "recognition_unreliable", message: "The recogniser was not confident about the words in this recording, so the cut was made from pauses: long pauses are shortened and all speech is kept." });
  }
  // Pauses decided this cut, not words: no word was dropped for a reason of its own.
  return done({ segments: planFromPauses(speech.speech, duration, opts), words: fromRecogniser && words ? sayable(words) : (words ?? []), dropped: [] });
}

/** Script text as sentences of spoken-form tokens, for the recogniser's language model. */
export function scriptSentences(script: string): string[][] {
  const out: string[][] = [];
  for (const t of tokenizeScriptWords(script).tokens) (out[t.sentence] ??= []).push(t.token);
  return out.filter((s) => s && s.length > 0);
}

/**
 * Free recognition is worth planning on when confident words cover a fair share of the detected speech; a
 * recogniser lost in noise or another language scatters a few low-confidence words instead.
 */
export function confidentEnough(words: Word[], speech: Segment[], minShare = 0.35, minConfidence = 0.1): boolean {
  const speechTime = speech.reduce((t, s) => t + s.end - s.start, 0);
  if (speechTime <= 0) return true;
  const covered = words.filter((w) => (w.confidence ?? 1) >= minConfidence).reduce((t, w) => t + w.end - w.start, 0);
  return covered >= minShare * speechTime;
}

/** Recognised words without the fillers a recogniser makes of breaths and clicks (short or unsure ones). */
export function sayable(words: Word[]): Word[] {
  return words.filter((w) => {
    if (!isFillerWord(w)) return true;
    const d = w.end - w.start;
    return d >= 0.2 && d <= LONGEST_FILLER && (w.confidence ?? 1) >= 0.5;
  });
}

// ---------------------------------------------------------------- pure planning (unit-tested)

const tokensOf = (w: Word) => normalizeWord(w.word);

/** A scripted cut fails when less than this share of the script's words is heard in the recording. */
export const MIN_SCRIPT_FOUND = 0.25;

/** script_not_spoken, with how much of the script was heard (the engine may try free recognition on a near miss). */
export class ScriptNotSpoken extends CutFailure {
  constructor(readonly found: number, readonly total: number, needed: number) {
    super(
      "script_not_spoken",
      `Only ${found} of the script's ${total} words were heard in the recording in the script's order (at least ${needed} are needed): check that the script belongs to this asset, or make a scriptless cut.`,
    );
  }
}

/**
 * Anchors in a phrase (speech between pauses of half a second) that is mostly not the script: an aside that
 * happens to use two or three of the script's words ("go still more and do something") is not the script.
 */
export function dropIslands(anchors: number[], spoken: string[], pauseBefore: number[], pause = 0.5): number[] {
  const phraseOf: number[] = [];
  let phrase = 0;
  spoken.forEach((_, k) => {
    if (k > 0 && (pauseBefore[k] as number) >= pause) phrase++;
    phraseOf.push(phrase);
  });
  const tokens = new Map<number, number>();
  spoken.forEach((t, k) => {
    if (!isFiller(t)) tokens.set(phraseOf[k] as number, (tokens.get(phraseOf[k] as number) ?? 0) + 1);
  });
  const hits = new Map<number, number>();
  for (const k of anchors) hits.set(phraseOf[k] as number, (hits.get(phraseOf[k] as number) ?? 0) + 1);
  return anchors.filter((k) => {
    const p = phraseOf[k] as number;
    const h = hits.get(p) ?? 0;
    return h > 3 || h >= 0.5 * (tokens.get(p) ?? 0);
  });
}

/**
 * Anchors that are evidence of the script being said: those next to another anchor that follows it in the
 * script too ("of clubs" heard as "of clubs"). A lone match is what any speech gives a script of common words.
 */
export function inRuns(anchors: number[], aligned: Array<{ scriptIndex: number }>, spoken: string[]): number {
  let n = 0;
  const next = (k: number, step: 1 | -1) => {
    let j = k + step;
    while (j >= 0 && j < spoken.length && isFiller(spoken[j] as string)) j += step;
    return j;
  };
  const set = new Set(anchors);
  for (const k of anchors) {
    const s = (aligned[k] as { scriptIndex: number }).scriptIndex;
    const a = next(k, -1);
    const b = next(k, 1);
    if ((set.has(a) && (aligned[a] as { scriptIndex: number }).scriptIndex === s - 1) || (set.has(b) && (aligned[b] as { scriptIndex: number }).scriptIndex === s + 1)) n++;
  }
  return n;
}

/** A hesitation is rarely longer; a recogniser "filler" that is, covers speech it could not read. */
export const LONGEST_FILLER = 1.2;

function isFillerWord(w: Word): boolean {
  const t = tokensOf(w);
  return t.length > 0 && t.every(isFiller);
}

/** Index sets of filler words: um, uh, er, ah, hmm and kin (not ones longer than any hesitation). */
export function findFillers(words: Word[]): Set<number> {
  const out = new Set<number>();
  words.forEach((w, i) => {
    if (isFillerWord(w) && w.end - w.start <= LONGEST_FILLER) out.add(i);
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

export function planScriptless(words: Word[], duration: number, opts: PlanOptions = DEFAULT_PLAN, sound: SoundMap | null = null): Segment[] {
  return planScriptlessCut(words, duration, opts, sound).segments;
}

/** A scriptless plan whole: segments, the words (recogniser breaths left out, as with `sound`), what was dropped and why. */
export function planScriptlessCut(words: Word[], duration: number, opts: PlanOptions = DEFAULT_PLAN, sound: SoundMap | null = null): CutPlan {
  const fillers = findFillers(words);
  const doubtful = findDoubtful(words);
  const drop = new Set([...fillers, ...doubtful]);
  const restarts = findRestarts(words, drop);
  for (const i of restarts) drop.add(i);
  let keep = words.map((_, i) => !drop.has(i));
  if (sound) keep = keepGlued(words, keep, sound.silences);
  const segments = segmentsFromWords(words, keep, duration, opts, sound);
  const why = { fillers, restarts, doubtful };
  return {
    segments,
    words: sound ? sayable(words) : words,
    dropped: droppedWords(words, segments, (i) => dropReason(i, why, "doubtful"), sound !== null),
  };
}

/**
 * Why the plan let word i go. An abandoned take is named first (its words may be fillers or doubtful too, but
 * the take is what went), then a hesitation, then a doubtful word; anything else dropped is `otherwise`.
 */
export function dropReason(i: number, why: { fillers: Set<number>; restarts: Set<number>; doubtful: Set<number> }, otherwise: DropReason): DropReason {
  if (why.restarts.has(i)) return "restart";
  if (why.fillers.has(i)) return "filler";
  if (why.doubtful.has(i)) return "doubtful";
  return otherwise;
}

/**
 * The words the segments leave out, with why. The segments are the last word on it: a word is dropped when its
 * middle lies outside every kept segment, so a dropped filler glued inside a kept span (heard in the output) is
 * not listed, and a kept word whose span was too short to stand alone is. With recogniser words (`fromRecogniser`),
 * fillers that were probably breaths or clicks are left out, as the subtitle leaves them out (`sayable`).
 */
export function droppedWords(words: Word[], segments: Segment[], reasonOf: (i: number) => DropReason, fromRecogniser: boolean): DroppedWord[] {
  const out: DroppedWord[] = [];
  words.forEach((w, i) => {
    const mid = (w.start + w.end) / 2;
    if (segments.some((s) => s.start <= mid && mid <= s.end)) return;
    if (fromRecogniser && sayable([w]).length === 0) return;
    out.push({ word: w.word, start: w.start, end: w.end, reason: reasonOf(i) });
  });
  return out;
}

/**
 * Recogniser words only: a short dropped run glued to kept words on both sides (no pause either side in the
 * recogniser's times) is kept: inside fluent speech it is nearly always a misheard piece of a kept word ("tool"
 * heard as "too of"). With the detected pauses, so is a short run touching a kept word on one side with no
 * pause between them: the recogniser split one stretch of sound into words ("ten" heard as "of ten"), and a
 * recognised word edge is never a boundary by itself.
 */
export function keepGlued(words: Word[], keep: boolean[], silences: Segment[] | null = null, glue = 0.1, maxRun = 0.6): boolean[] {
  const out = [...keep];
  const joined = (a: Word | undefined, b: Word | undefined) => a !== undefined && b !== undefined && b.start - a.end < glue;
  const noPause = (a: Word, b: Word) => silences !== null && !silences.some((s) => s.end > a.end - 0.05 && s.start < b.start + 0.05);
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
    const l = joined(left, first);
    const r = joined(last, right);
    const glued = (l && r) || (l && noPause(left as Word, first)) || (r && noPause(last, right as Word));
    if (glued && last.end - first.start <= maxRun) for (let k = i; k < j; k++) out[k] = true;
    i = j;
  }
  return out;
}

/** Under the script's language model, a lone dropped word at or below this confidence is doubtful, not an aside. */
const SCRIPTED_DOUBT = 0.5;

/** A pair at least this similar is a match; below, a substitution. */
const MATCHED = 0.5;
/** An anchor: a word heard as the script has it (or nearly). */
const ANCHOR = 0.8;
/** Spoken words closer than this to a kept neighbour belong to the same stretch of speech. */
const EDGE_GLUE = 0.35;
const INNER_GLUE = 0.6;

export function planScripted(words: Word[], script: string, duration: number, opts: PlanOptions = DEFAULT_PLAN, sound: SoundMap | null = null): CutPlan {
  const { tokens: scriptToks, written } = tokenizeScriptWords(script);
  const scriptTokens = scriptToks.map((t) => t.token);
  const joined = ` ${scriptTokens.join(" ")} `;
  // An abandoned take is taken out before aligning, unless the script says the same words twice itself.
  const fillers = findFillers(words);
  const restarts = findRestarts(words, fillers, (start) => {
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
    // a "filler" seconds long is speech the recogniser lost track of: unknown words, not a hesitation
    const toks = isFillerWord(w) && w.end - w.start > LONGEST_FILLER ? ["<unk>"] : tokensOf(w);
    toks.forEach((t, k) => {
      spoken.push(t);
      owner.push(i);
      pauseBefore.push(k === 0 ? Math.max(0, w.start - prevEnd) : 0);
    });
    prevEnd = Math.max(prevEnd, w.end);
  });
  const aligned = alignToScript(scriptTokens, spoken, { pauseBefore });
  const strong = aligned.map((a) => a.scriptIndex >= 0 && a.similarity >= ANCHOR);
  const anchors = dropIslands(strong.flatMap((x, k) => (x ? [k] : [])), spoken, pauseBefore);
  const found = inRuns(anchors, aligned, spoken);
  const needed = Math.max(2, Math.ceil(MIN_SCRIPT_FOUND * scriptTokens.length));
  if (found < needed) {
    throw new ScriptNotSpoken(found, scriptTokens.length, needed);
  }
  const keepTok = keepScriptTokens(aligned, anchors, spoken, pauseBefore, scriptTokens.length);
  let keep = words.map(() => false);
  keepTok.forEach((k, t) => {
    if (k) keep[owner[t] as number] = true;
  });
  const planned = keep;
  if (sound) keep = keepGlued(words, keep, sound.silences);
  const outWords = scriptSpelling(words, owner, aligned, keepTok, scriptToks, written, sound !== null);
  const segments = segmentsFromWords(words, keep, duration, opts, sound);
  // Speech the alignment did not take is an aside unless it is a filler, a take started over or a doubtful word;
  // a word it took that still fell out had a span too short to stand alone. The script's language model lifts
  // the recogniser's confidence in what it forces a hesitation into ("um" heard as "them": 0.33 here, 0.03 in
  // free recognition of the flite fixture), so a lone word counts as doubtful up to 0.5.
  const why = { fillers, restarts, doubtful: findDoubtful(words, 0.25, SCRIPTED_DOUBT) };
  const dropped = droppedWords(words, segments, (i) => dropReason(i, why, planned[i] ? "doubtful" : "aside"), sound !== null);
  return { segments, words: outWords, dropped };
}

/**
 * Which spoken tokens carry the script. Anchors (words heard as written) always; between two anchors where the
 * script has words, the speech joined to them without a long pause, however misheard (speech cut off from both
 * by pauses is an aside, even if the aligner lent it a few script words); before the first anchor and after the last, when
 * the script has words there that the recogniser garbled, the speech glued to the anchor (a misheard opening is
 * not small talk). Between two anchors that are consecutive in the script, nothing: that is an aside, a filler
 * or an abandoned take.
 */
export function keepScriptTokens(aligned: Array<{ scriptIndex: number; similarity: number }>, anchors: number[], spoken: string[], pauseBefore: number[], scriptLength: number): boolean[] {
  const keep = aligned.map(() => false);
  for (const k of anchors) keep[k] = true;
  // flood from a kept token over spoken words glued to it (filler tokens pass through but are not kept)
  const flood = (from: number, step: 1 | -1, stop: number, glue: number, budget: number) => {
    const grown: number[] = [];
    for (let k = from + step; step > 0 ? k < stop : k > stop; k += step) {
      const gap = step > 0 ? (pauseBefore[k] as number) : (pauseBefore[k + 1] as number);
      if (gap >= glue) break;
      if (!isFiller(spoken[k] as string)) grown.push(k);
    }
    return grown.length <= budget ? grown : grown.filter((k) => (aligned[k] as { scriptIndex: number }).scriptIndex >= 0);
  };
  for (let a = 0; a + 1 < anchors.length; a++) {
    const k1 = anchors[a] as number;
    const k2 = anchors[a + 1] as number;
    const missing = (aligned[k2] as { scriptIndex: number }).scriptIndex - (aligned[k1] as { scriptIndex: number }).scriptIndex - 1;
    if (missing <= 0 || k2 - k1 <= 1) continue;
    const budget = 2 * missing + 2;
    for (const k of flood(k1, 1, k2, INNER_GLUE, budget)) keep[k] = true;
    for (const k of flood(k2, -1, k1, INNER_GLUE, budget)) keep[k] = true;
  }
  const first = anchors[0];
  const last = anchors[anchors.length - 1];
  if (first !== undefined && last !== undefined) {
    const before = (aligned[first] as { scriptIndex: number }).scriptIndex;
    if (before > 0) for (const k of flood(first, -1, -1, EDGE_GLUE, 2 * before + 1)) keep[k] = true;
    const after = scriptLength - 1 - (aligned[last] as { scriptIndex: number }).scriptIndex;
    if (after > 0) for (const k of flood(last, 1, aligned.length, EDGE_GLUE, 2 * after + 1)) keep[k] = true;
  }
  return keep;
}

/**
 * The words a scripted cut reports (its subtitles): a recognised word (or run of words) that truly matched a
 * written word of the script takes the script's spelling ("twenty nineteen" -> "2019", "mister" -> "Mr.");
 * anything else keeps what was recognised, and recogniser fillers that were probably breaths are left out.
 */
function scriptSpelling(words: Word[], owner: number[], aligned: Array<{ scriptIndex: number; similarity: number }>, keepTok: boolean[], scriptToks: Array<{ word: number }>, written: string[], fromRecogniser: boolean): Word[] {
  // per word: the written word its matched tokens belong to, and which script tokens they are
  const tokensOfWord = words.map(() => [] as number[]);
  owner.forEach((w, t) => (tokensOfWord[w] as number[]).push(t));
  const writtenOf = (i: number): { w: number; idx: number[] } | null => {
    const ts = tokensOfWord[i] as number[];
    if (ts.length === 0) return null;
    const idx: number[] = [];
    for (const t of ts) {
      const a = aligned[t] as { scriptIndex: number; similarity: number };
      if (!keepTok[t] || a.scriptIndex < 0 || a.similarity < MATCHED) return null;
      idx.push(a.scriptIndex);
    }
    const w = (scriptToks[idx[0] as number] as { word: number }).word;
    return idx.every((x) => (scriptToks[x] as { word: number }).word === w) ? { w, idx } : null;
  };
  const out: Word[] = [];
  let i = 0;
  while (i < words.length) {
    const m = writtenOf(i);
    if (m) {
      // gather the following words that continue the same written word ("twenty" + "nineteen")
      const idx = [...m.idx];
      let j = i + 1;
      for (; j < words.length; j++) {
        const n = writtenOf(j);
        if (!n || n.w !== m.w || (n.idx[0] as number) !== (idx[idx.length - 1] as number) + 1) break;
        idx.push(...n.idx);
      }
      const all = scriptToks.flatMap((t, x) => (t.word === m.w ? [x] : []));
      if (idx.length === all.length && idx.every((x, k) => x === all[k])) {
        const first = words[i] as Word;
        const lastW = words[j - 1] as Word;
        out.push({ ...first, word: written[m.w] as string, end: lastW.end });
        i = j;
        continue;
      }
    }
    const w = words[i] as Word;
    if (!fromRecogniser || sayable([w]).length > 0) out.push(w);
    i++;
  }
  return out;
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
 * around it, but never into a neighbouring word. With `sound` (recogniser words, whose edges are approximate)
 * a boundary goes into the detected pause next to the word, or where no pause separates it from its neighbour,
 * to the quietest moment between them. Then spans closer than minCut merge, and spans shorter than minSegment go.
 */
export function segmentsFromWords(words: Word[], keep: boolean[], duration: number, opts: PlanOptions = DEFAULT_PLAN, sound: SoundMap | null = null): Segment[] {
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
    if (sound) {
      start = cutBefore(a.start, first > 0 ? prevEnd : null, sound, opts.breath);
      end = cutAfter(b.end, last + 1 < words.length ? nextStart : null, duration, sound, opts.breath);
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

// Recogniser word edges are off by tens of milliseconds; detected pauses are exact to the audio. How far a
// recogniser edge may be from the pause that really bounds the word:
const EDGE_SLACK = 0.15;
const EDGE_REACH = 0.3;
/** How far faint sound (a final fricative, a breathy onset) may run into a detected pause. */
const FAINT_REACH = 0.4;

/**
 * Where a kept span starting at a recognised word begins: a breath before the word inside the pause that
 * precedes it (never before that pause's start, where the previous sound ends); with no pause there, at the
 * quietest moment between the previous word and this one.
 */
export function cutBefore(wordStart: number, prevEnd: number | null, sound: SoundMap, breath: number): number {
  let best: Segment | null = null;
  for (const s of sound.silences) {
    if (s.end > wordStart + EDGE_SLACK || s.end < wordStart - EDGE_REACH) continue;
    if (prevEnd !== null && s.end <= prevEnd) continue;
    if (!best || s.end > best.end) best = s;
  }
  if (best) {
    // faint sound before the word may run back over a short dip into the real pause before it
    const onset = faintEdge(sound.envelope, best.end, Math.max(prevEnd ?? 0, best.end - FAINT_REACH));
    const pause = sound.silences.find((s) => s.start < onset && s.end >= onset - 0.011) ?? best;
    return Math.max(pause.start, onset - breath);
  }
  const from = prevEnd === null ? Math.max(0, wordStart - breath) : Math.max(prevEnd - 0.05, wordStart - EDGE_REACH);
  return quietestPoint(sound.envelope, Math.min(from, wordStart), wordStart + 0.03);
}

/** The mirror of cutBefore for the end of a kept span. */
export function cutAfter(wordEnd: number, nextStart: number | null, duration: number, sound: SoundMap, breath: number): number {
  let best: Segment | null = null;
  for (const s of sound.silences) {
    if (s.start < wordEnd - EDGE_SLACK || s.start > wordEnd + EDGE_REACH) continue;
    if (nextStart !== null && s.start >= nextStart) continue;
    if (!best || s.start < best.start) best = s;
  }
  if (best) {
    // a word's faint tail (a final "z" under the pause threshold) may run on over a short dip into the real pause
    const offset = faintEdge(sound.envelope, best.start, Math.min(nextStart ?? duration, best.start + FAINT_REACH));
    const pause = sound.silences.find((s) => s.start <= offset + 0.011 && s.end > offset) ?? best;
    return Math.min(pause.end, offset + breath);
  }
  const to = nextStart === null ? Math.min(duration, wordEnd + breath) : Math.min(nextStart + 0.05, wordEnd + EDGE_REACH);
  return quietestPoint(sound.envelope, wordEnd - 0.03, Math.max(to, wordEnd));
}
