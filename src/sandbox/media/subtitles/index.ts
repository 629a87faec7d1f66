// Subtitle files for a cut: SubRip with line-level timing and WebVTT with inline per-word karaoke
// timestamps, both written from the same caption cues (see captions.ts).
import { type Caption, normaliseText, wordGap } from "./captions.js";

export { buildCaptions, remapWords, layoutLines, outputSegments, joinWords, displayWidth, CAPTION_RULES } from "./captions.js";
export type { Caption, CaptionOptions, CaptionWord, RemappedWord } from "./captions.js";
export { parseSrt, parseVtt } from "./parse.js";
export type { SubtitleCue } from "./parse.js";

export type SubtitleFormat = "srt" | "vtt";

export const SUBTITLE_FORMATS: readonly SubtitleFormat[] = ["srt", "vtt"];

export const SUBTITLE_CONTENT_TYPES: Record<SubtitleFormat, string> = {
  srt: "application/x-subrip",
  vtt: "text/vtt",
};

function clock(ms: number, separator: "," | "."): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const f = ms % 1000;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}${separator}${String(f).padStart(3, "0")}`;
}

/**
 * Cue times in whole milliseconds, the files' resolution. The end is kept at least a millisecond
 * after the start, which rounding alone could break.
 */
function cueMs(c: Caption): { start: number; end: number } {
  const start = Math.max(0, Math.round(c.start * 1000));
  return { start, end: Math.max(start + 1, Math.round(c.end * 1000)) };
}

function escapeVtt(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// Lines must never be empty: a blank line would end the cue early in both formats.
function cleanLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/\s+/g, " ").trim()).filter((l) => l.length > 0);
}

/**
 * SubRip has no escapes, and players read HTML-like tags (`<i>`, `<font …>`) and ASS overrides (`{\an8}`) in it,
 * and parsers take `-->` for a timing line. A zero-width space breaks each such sequence, so the player shows the
 * characters themselves and nothing else.
 */
function srtText(line: string): string {
  return line.replace(/<(?=\/?[A-Za-z])/g, "<\u200b").replace(/\{\\/g, "{\u200b\\").replace(/-->/g, "--\u200b>");
}

function renderSrt(captions: readonly Caption[]): string {
  const blocks: string[] = [];
  for (const c of captions) {
    const lines = cleanLines(c.lines);
    if (lines.length === 0) continue;
    const { start, end } = cueMs(c);
    blocks.push(`${blocks.length + 1}\n${clock(start, ",")} --> ${clock(end, ",")}\n${lines.map(srtText).join("\n")}\n`);
  }
  return blocks.join("\n");
}

/**
 * A cue's lines with a `<HH:MM:SS.mmm>` stamp before every word after the first. A stamp is written
 * only when it is strictly after the cue start and the previous stamp and before the cue end (the
 * WebVTT rule); a word that cannot get one shares the previous word's highlight. Falls back to
 * plain lines when the words do not spell out the lines (hand-made captions).
 */
function karaokeLines(c: Caption, startMs: number, endMs: number): string[] {
  const lines = cleanLines(c.lines);
  const words = c.words.map((w) => ({ ...w, text: normaliseText(w.text) })).filter((w) => w.text);
  const out: string[] = [];
  let wi = 0;
  let prevStamp = startMs;
  for (const line of lines) {
    const parts: string[] = [];
    let acc = "";
    while (acc !== line && wi < words.length) {
      const w = words[wi] as (typeof words)[number];
      const gap = acc ? wordGap(acc, w.text) : "";
      acc += gap + w.text;
      const ms = Math.round(w.start * 1000);
      let stamp = "";
      if (wi > 0 && ms > prevStamp && ms < endMs) {
        stamp = `<${clock(ms, ".")}>`;
        prevStamp = ms;
      }
      parts.push(gap + stamp + escapeVtt(w.text));
      wi++;
    }
    if (acc !== line) return lines.map(escapeVtt);
    out.push(parts.join(""));
  }
  if (wi !== words.length) return lines.map(escapeVtt);
  return out;
}

function renderVtt(captions: readonly Caption[]): string {
  let body = "WEBVTT\n";
  let n = 0;
  for (const c of captions) {
    if (cleanLines(c.lines).length === 0) continue;
    const { start, end } = cueMs(c);
    n += 1;
    body += `\n${n}\n${clock(start, ".")} --> ${clock(end, ".")}\n${karaokeLines(c, start, end).join("\n")}\n`;
  }
  return body;
}

/** Renders cues as a subtitle file; no cues give a valid file with no cues. */
export function renderSubtitle(format: SubtitleFormat, captions: readonly Caption[]): string {
  return format === "srt" ? renderSrt(captions) : renderVtt(captions);
}
