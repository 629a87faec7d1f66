// Reads SubRip and WebVTT files back into cues and timed words: for tests of the writers, and for
// attaching a known transcript given as a subtitle file. Tolerant of what other tools write
// (CRLF, a BOM, cue settings, hour-less WebVTT times, styling tags); throws SyntaxError on a file
// that is not the format at all.
import type { Word } from "../types.js";

export interface SubtitleCue {
  /** Seconds. */
  start: number;
  end: number;
  lines: string[];
  /**
   * Words with times. WebVTT karaoke stamps give each word its start (a word ends where the next
   * stamp begins, the last at the cue end); words without their own stamp, and every SRT word,
   * share their span evenly.
   */
  words: Word[];
}

const SRT_TIMING = /^\s*(\d+):(\d{2}):(\d{2})[,.](\d{3})\s*-->\s*(\d+):(\d{2}):(\d{2})[,.](\d{3})/;
const VTT_TIME = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/;
const VTT_STAMP = /<((?:\d+:)?\d{2}:\d{2}\.\d{3})>/;

function hms(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

function blocksOf(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((b) => b.split("\n").filter((l, i, all) => l.trim() !== "" || (i > 0 && i < all.length - 1)))
    .filter((b) => b.length > 0);
}

function spread(texts: string[], start: number, end: number): Word[] {
  const step = texts.length > 0 ? (end - start) / texts.length : 0;
  return texts.map((word, i) => ({ word, start: start + i * step, end: start + (i + 1) * step }));
}

export function parseSrt(text: string): SubtitleCue[] {
  const cues: SubtitleCue[] = [];
  for (const block of blocksOf(text)) {
    const timingAt = block.findIndex((l) => l.includes("-->"));
    if (timingAt < 0 || timingAt > 1) throw new SyntaxError(`SRT block without a timing line: ${block[0]}`);
    const m = SRT_TIMING.exec(block[timingAt] as string);
    if (!m) throw new SyntaxError(`bad SRT timing: ${block[timingAt]}`);
    const start = hms(m[1], m[2] as string, m[3] as string, m[4] as string);
    const end = hms(m[5], m[6] as string, m[7] as string, m[8] as string);
    const lines = block.slice(timingAt + 1);
    // SRT allows simple HTML-ish styling tags; they are not words.
    const words = lines.join(" ").replace(/<[^>]*>/g, "").split(/\s+/).filter(Boolean);
    cues.push({ start, end, lines, words: spread(words, start, end) });
  }
  return cues;
}

function parseVttTime(value: string): number {
  const m = VTT_TIME.exec(value.trim());
  if (!m) throw new SyntaxError(`bad WebVTT timestamp: ${value}`);
  return hms(m[1], m[2] as string, m[3] as string, m[4] as string);
}

function unescapeVtt(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&lrm;|&rlm;/g, "")
    .replace(/&amp;/g, "&");
}

export function parseVtt(text: string): SubtitleCue[] {
  const blocks = blocksOf(text);
  const header = blocks.shift();
  if (!header || !/^WEBVTT(?:[ \t].*)?$/.test(header[0] as string)) throw new SyntaxError("not a WebVTT file");
  const cues: SubtitleCue[] = [];
  for (const block of blocks) {
    const timingAt = block.findIndex((l) => l.includes("-->"));
    if (timingAt < 0) continue; // NOTE, STYLE and REGION blocks
    const [startText, rest] = (block[timingAt] as string).split("-->") as [string, string];
    const start = parseVttTime(startText);
    const end = parseVttTime(rest.trim().split(/\s+/)[0] ?? "");
    const raw = block.slice(timingAt + 1);
    // Chunks between karaoke stamps: each starts at its stamp (the first at the cue start).
    const chunks: Array<{ at: number; words: string[] }> = [];
    let at = start;
    for (const piece of raw.join(" ").split(VTT_STAMP).entries()) {
      const [i, part] = piece;
      if (i % 2 === 1) {
        at = parseVttTime(part);
        continue;
      }
      const words = unescapeVtt(part.replace(/<[^>]*>/g, "")).split(/\s+/).filter(Boolean);
      if (words.length > 0) chunks.push({ at, words });
    }
    const words = chunks.flatMap((c, i) => spread(c.words, c.at, chunks[i + 1]?.at ?? end));
    const lines = raw.map((l) => unescapeVtt(l.replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim());
    cues.push({ start, end, lines, words });
  }
  return cues;
}
