// The kept words of a cut in source time. The API gives words only inside the cut's subtitle, timed on
// the output timeline (WebVTT with a <HH:MM:SS.mmm> stamp before each word); the view draws the source
// timeline, so each word is mapped back through the kept segments. A reading of the contract of its own:
// the sandbox's subtitle code is not imported (tools reach backends only through the client).

export type Span = { start: number; end: number };
export type TimedWord = { start: number; end: number; text: string };
/** A word in source time with the index of the kept segment it belongs to. */
export type SpanWord = TimedWord & { span: number };

const CUE_RE = /^\s*((?:\d+:)?\d{1,2}:\d{2}\.\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{1,3})/;
const STAMP_RE = /<((?:\d+:)?\d{1,2}:\d{2}\.\d{1,3})>/g;

/** Seconds from a WebVTT timestamp (`mm:ss.ttt` or `hh:mm:ss.ttt`); NaN when malformed. */
export function vttSeconds(stamp: string): number {
  const parts = stamp.split(":").map(Number);
  if (parts.some((p) => !Number.isFinite(p))) return NaN;
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

function decode(text: string): string {
  return text
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&");
}

/** Words with their times on the output timeline, in order. Unstamped words share the previous start. */
export function parseVttWords(vtt: string): TimedWord[] {
  const lines = vtt.replace(/\r\n?/g, "\n").split("\n");
  const out: TimedWord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = CUE_RE.exec(lines[i]!);
    if (!m) continue;
    const cueStart = vttSeconds(m[1]!);
    const cueEnd = vttSeconds(m[2]!);
    if (!(cueEnd > cueStart)) continue;
    const cue: TimedWord[] = [];
    let at = cueStart;
    for (i++; i < lines.length && lines[i]!.trim() !== ""; i++) {
      // Split on stamps first: each piece of text starts at the stamp before it.
      const line = lines[i]!;
      let last = 0;
      const pieces: { at: number; text: string }[] = [];
      for (const s of line.matchAll(STAMP_RE)) {
        pieces.push({ at, text: line.slice(last, s.index) });
        const t = vttSeconds(s[1]!);
        if (Number.isFinite(t) && t >= cueStart && t <= cueEnd) at = t;
        last = s.index + s[0].length;
      }
      pieces.push({ at, text: line.slice(last) });
      for (const p of pieces) {
        for (const word of decode(p.text).split(/\s+/)) if (word) cue.push({ start: p.at, end: cueEnd, text: word });
      }
    }
    // A word ends where the next later-starting word begins, else at the cue's end.
    for (let k = 0; k < cue.length; k++) {
      const next = cue.slice(k + 1).find((w) => w.start > cue[k]!.start);
      cue[k]!.end = next ? next.start : cueEnd;
    }
    out.push(...cue);
  }
  return out;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const EARLY_STAMP = 0.04;

/**
 * Maps output-timeline words to source time through the kept segments (in order, end exclusive).
 * A word belongs to the segment its start falls in, where a start up to 40 ms before a join counts as
 * the later segment (no word fits in 40 ms, so it is a stamp rounded early, not the previous span's
 * last word); it stays inside its segment. Words past the last segment are dropped.
 */
export function toSourceTime(words: readonly TimedWord[], segments: readonly Span[]): SpanWord[] {
  const starts: number[] = [];
  let acc = 0;
  for (const s of segments) {
    starts.push(acc);
    acc += s.end - s.start;
  }
  const out: SpanWord[] = [];
  let i = 0;
  for (const w of words) {
    // Words come in order, so the segment index only moves forward (with a small tolerance for rounding).
    while (i < segments.length - 1 && w.start >= starts[i + 1]! - EARLY_STAMP) i++;
    const seg = segments[i];
    if (!seg || w.start > acc + 0.0005) continue;
    const offset = seg.start - starts[i]!;
    const start = Math.min(seg.end, Math.max(seg.start, w.start + offset));
    const end = Math.min(seg.end, Math.max(start, w.end + offset));
    out.push({ start: round(start), end: round(end), text: w.text, span: i });
  }
  return out;
}
