// Turns the recognised words of a source into caption cues on a cut's output timeline: the
// subtitle Roughy generates for a completed cut, 1:1 with it. Pure: words and segments in, cues out.
import { snapCut } from "../cut-grid.js";
import { type FrameRate, framesToSeconds, snapSegments, toFrameRate } from "../timecode.js";
import type { Segment, Word } from "../types.js";

export interface CaptionWord {
  text: string;
  /** Seconds on the output (record) timeline. */
  start: number;
  end: number;
}

export interface Caption {
  /** Seconds on the output timeline. */
  start: number;
  end: number;
  /** One or two display lines; the words joined by single spaces, split between words. */
  lines: string[];
  words: CaptionWord[];
}

/** A word moved onto the output timeline, with the index of the kept segment it came from. */
export interface RemappedWord {
  text: string;
  start: number;
  end: number;
  segment: number;
}

export const CAPTION_RULES = {
  /** The common broadcast/Netflix line length for Latin scripts. */
  maxLineChars: 42,
  maxLines: 2,
  /** Shorter cues are held on screen longer, up to the next cue or the end of their segment. */
  minDuration: 1.0,
  /** Longer runs of speech are split, so a reader never faces a stale cue. */
  maxDuration: 7.0,
  /** A silence this long between words ends a cue. */
  pauseBreak: 0.8,
} as const;

export interface CaptionOptions {
  /**
   * The cut's grid (cut-grid.ts: video frames, or 25 fps frames for audio-only media), on which renders and exports
   * snap every boundary too. With it, words land where the rendered output plays them instead of drifting by up
   * to half a frame per join. A number is taken as frames per second.
   */
  frameRate?: number | FrameRate | null;
  /** The source's length, seconds: boundaries past its last whole frame are clamped, as the render does. */
  mediaDuration?: number;
}

/** The segments as the output timeline really has them: snapped to the grid when one is known. */
export function outputSegments(segments: readonly Segment[], options: CaptionOptions = {}): Segment[] {
  if (!options.frameRate) return segments.filter((s) => s.end > s.start);
  const rate = typeof options.frameRate === "number" ? toFrameRate(options.frameRate) : options.frameRate;
  const framed = options.mediaDuration === undefined ? snapSegments(segments, rate) : snapCut(segments, rate, options.mediaDuration);
  return framed.map((f) => ({ start: framesToSeconds(f.srcIn, rate), end: framesToSeconds(f.srcOut, rate) }));
}

/**
 * A word as a player should show it: composed (NFC, as it displays anyway), without control characters (which
 * players drop or show as boxes, and which would break a line-based file), on one line.
 */
export function normaliseText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.normalize("NFC").replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, "").replace(/\s+/g, " ").trim();
}

// Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese) and their
// punctuation: a space between two such words is one the text never had.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u3000-\u303f\uff01-\uff60]/u;

/** What goes between two words on a line: a space, except between two words of an unspaced script. */
export function wordGap(before: string, after: string): string {
  const last = Array.from(before).at(-1) ?? "";
  const first = Array.from(after)[0] ?? "";
  return UNSPACED.test(last) && UNSPACED.test(first) ? "" : " ";
}

export function joinWords(texts: readonly string[]): string {
  return texts.reduce((line, w) => (line ? line + wordGap(line, w) + w : w), "");
}

// Full-width characters take two columns on screen; a grapheme (an emoji with its modifiers, a letter with its
// combining marks) is one character to a reader, however many code units it has.
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\p{Extended_Pictographic}]/u;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** A line's length as a reader sees it, in columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of GRAPHEMES.segment(text)) width += WIDE.test(segment) ? 2 : 1;
  return width;
}

/**
 * Moves words from source time onto the output timeline. A word at source time t inside kept
 * segment [s, e) that starts at record time r lands at r + (t − s); words outside every kept
 * segment drop. A word straddling a segment boundary belongs to the segment holding most of it,
 * and is kept only if at least half of it was kept (an instant word: if its time is inside),
 * clipped to the segment so that it never crosses a join. Output is in record order.
 */
export function remapWords(words: readonly Word[], segments: readonly Segment[], options: CaptionOptions = {}): RemappedWord[] {
  segments = outputSegments(segments, options);
  const kept: Array<{ start: number; end: number; rec: number; index: number }> = [];
  let rec = 0;
  segments.forEach((seg, index) => {
    if (!(seg.end > seg.start)) return;
    kept.push({ start: seg.start, end: seg.end, rec, index });
    rec += seg.end - seg.start;
  });
  const out: RemappedWord[] = [];
  for (const w of words) {
    const text = normaliseText(w.word);
    if (!text || !Number.isFinite(w.start) || !Number.isFinite(w.end)) continue;
    const ws = w.start;
    const we = Math.max(w.start, w.end);
    let best: (typeof kept)[number] | undefined;
    let bestOverlap = -1;
    for (const k of kept) {
      if (k.end <= ws && we > ws) continue;
      const overlap = we > ws ? Math.min(we, k.end) - Math.max(ws, k.start) : ws >= k.start && ws < k.end ? 0 : -1;
      if (overlap > bestOverlap) {
        best = k;
        bestOverlap = overlap;
      }
    }
    if (!best || bestOverlap < 0) continue;
    if (we > ws && bestOverlap < (we - ws) / 2) continue;
    const cs = Math.max(ws, best.start);
    const ce = Math.min(we, best.end);
    out.push({ text, start: best.rec + (cs - best.start), end: best.rec + (ce - best.start), segment: best.index });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Lays words out in at most two lines of about 42 characters, choosing the most even split (a
 * split after punctuation counts as slightly better). Null when they do not fit; a single word
 * longer than a line is allowed alone.
 */
export function layoutLines(texts: readonly string[]): string[] | null {
  const whole = joinWords(texts);
  if (displayWidth(whole) <= CAPTION_RULES.maxLineChars || texts.length === 1) return [whole];
  let best: string[] | null = null;
  let bestScore = Infinity;
  for (let j = 1; j < texts.length; j++) {
    const a = joinWords(texts.slice(0, j));
    const b = joinWords(texts.slice(j));
    const [wa, wb] = [displayWidth(a), displayWidth(b)];
    if (wa > CAPTION_RULES.maxLineChars || wb > CAPTION_RULES.maxLineChars) continue;
    const score = Math.max(wa, wb) - (/[,;:.!?，、。！？]$/.test(a) ? 6 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = [a, b];
    }
  }
  return best;
}

const SENTENCE_END = /[.!?…。！？]["'”’)\]」』]*$/;
const CLAUSE_END = /[,;:，、；：]["'”’)\]」』]*$/;

/**
 * Builds caption cues on the output timeline. A cue ends at a sentence end, at a pause, at a
 * segment join (so no cue spans a cut), when it would last longer than the maximum, or when its
 * text would not fit two lines (then preferably after a comma in its second half).
 */
export function buildCaptions(words: readonly Word[], segments: readonly Segment[], options: CaptionOptions = {}): Caption[] {
  segments = outputSegments(segments, options);
  const remapped = remapWords(words, segments);
  const segmentEnds = new Map<number, number>();
  let rec = 0;
  segments.forEach((seg, index) => {
    if (!(seg.end > seg.start)) return;
    rec += seg.end - seg.start;
    segmentEnds.set(index, rec);
  });

  const groups: RemappedWord[][] = [];
  let cur: RemappedWord[] = [];
  for (const w of remapped) {
    const last = cur[cur.length - 1];
    const first = cur[0];
    if (last && first) {
      const breakBefore =
        w.segment !== last.segment ||
        w.start - last.end >= CAPTION_RULES.pauseBreak ||
        SENTENCE_END.test(last.text) ||
        w.end - first.start > CAPTION_RULES.maxDuration;
      if (breakBefore) {
        groups.push(cur);
        cur = [];
      } else if (!layoutLines([...cur, w].map((x) => x.text))) {
        // Overflow: carry the words after the last clause end in the second half, if any.
        let k = -1;
        for (let i = cur.length - 2; i >= Math.floor(cur.length / 2); i--) {
          if (CLAUSE_END.test((cur[i] as RemappedWord).text)) {
            k = i;
            break;
          }
        }
        if (k >= 0) {
          groups.push(cur.slice(0, k + 1));
          cur = cur.slice(k + 1);
          if (!layoutLines([...cur, w].map((x) => x.text))) {
            groups.push(cur);
            cur = [];
          }
        } else {
          groups.push(cur);
          cur = [];
        }
      }
    }
    cur.push(w);
  }
  if (cur.length > 0) groups.push(cur);

  const captions: Array<Caption & { segment: number }> = groups.map((g) => {
    const first = g[0] as RemappedWord;
    const last = g[g.length - 1] as RemappedWord;
    return {
      start: first.start,
      end: Math.max(...g.map((w) => w.end)),
      lines: layoutLines(g.map((w) => w.text)) ?? [joinWords(g.map((w) => w.text))],
      words: g.map((w) => ({ text: w.text, start: w.start, end: w.end })),
      // Kept only while timing is settled below.
      segment: last.segment,
    };
  });

  const result: Caption[] = [];
  captions.forEach((c, i) => {
    const next = captions[i + 1];
    const limit = Math.min(next ? next.start : Infinity, segmentEnds.get(c.segment) ?? Infinity);
    let end = c.end;
    if (end - c.start < CAPTION_RULES.minDuration) end = Math.max(end, Math.min(c.start + CAPTION_RULES.minDuration, limit));
    // Recognisers can overlap neighbouring words; cues must not overlap.
    if (next && end > next.start && next.start > c.start) end = next.start;
    if (!(end > c.start)) end = c.start + 0.001;
    result.push({ start: c.start, end, lines: c.lines, words: c.words });
  });
  return result;
}
