// Parses a transcript attached to a sandbox asset (PUT /sandbox/assets/{id}/transcript) into timed words, so a
// test or a user without a speech recogniser can still get scripted cuts. Accepts JSON ({words:[...]} or a bare
// array), SubRip and WebVTT (with inline <hh:mm:ss.mmm> word stamps when the cue has them).
import type { Word } from "../media/types.js";

export class TranscriptParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TranscriptParseError";
  }
}

export function parseTranscript(body: string, contentType: string): Word[] {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const text = body.replace(/^\uFEFF/, "");
  let words: Word[];
  if (type === "application/json" || type.endsWith("+json")) words = parseJsonWords(text);
  else if (type === "text/vtt") words = parseCues(text, true);
  else if (type === "application/x-subrip" || type === "text/srt" || type === "application/srt") words = parseCues(text, false);
  else if (type === "" || type === "text/plain" || type === "application/octet-stream") words = sniff(text);
  else {
    throw new TranscriptParseError(
      `Unsupported transcript content type "${type}": send application/json ({"words":[{"word","start","end"}]}), text/vtt or application/x-subrip.`,
    );
  }
  return checkOrder(words);
}

function sniff(text: string): Word[] {
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) return parseJsonWords(text);
  if (t.startsWith("WEBVTT")) return parseCues(text, true);
  if (/^\d+\s*\r?\n\s*\d/.test(t)) return parseCues(text, false);
  throw new TranscriptParseError("Could not tell the transcript's format: send it as application/json, text/vtt or application/x-subrip.");
}

function parseJsonWords(text: string): Word[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new TranscriptParseError(`Transcript is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { words?: unknown } | null)?.words;
  if (!Array.isArray(list)) throw new TranscriptParseError('JSON transcript must be {"words":[{"word","start","end"}, ...]} or an array of such words.');
  return list.map((item: unknown, i) => {
    const w = item as { word?: unknown; text?: unknown; start?: unknown; end?: unknown; confidence?: unknown };
    const word = typeof w?.word === "string" ? w.word : typeof w?.text === "string" ? w.text : undefined;
    if (word === undefined || word.trim() === "") throw new TranscriptParseError(`words[${i}].word must be a non-empty string.`);
    if (typeof w.start !== "number" || !Number.isFinite(w.start) || w.start < 0) throw new TranscriptParseError(`words[${i}].start must be a number of seconds >= 0.`);
    if (typeof w.end !== "number" || !Number.isFinite(w.end) || w.end < w.start) throw new TranscriptParseError(`words[${i}].end must be a number of seconds >= start.`);
    const out: Word = { word: word.trim(), start: w.start, end: w.end };
    if (typeof w.confidence === "number") out.confidence = w.confidence;
    return out;
  });
}

/** "01:02:03,456", "01:02:03.456" or "02:03.456" to seconds. */
function parseTimestamp(s: string): number | null {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const [, h, mi, se, ms] = m;
  if (Number(mi) > 59 || Number(se) > 59) return null;
  return Number(h ?? 0) * 3600 + Number(mi) * 60 + Number(se) + Number((ms as string).padEnd(3, "0")) / 1000;
}

const TIMING = /^\s*(\S+)\s+-->\s+(\S+)/;

function parseCues(text: string, vtt: boolean): Word[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (vtt && !/^WEBVTT(\s|$)/.test(lines[0] ?? "")) throw new TranscriptParseError('WebVTT transcript must start with "WEBVTT".');
  const words: Word[] = [];
  let cues = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = TIMING.exec(lines[i] as string);
    if (!m) continue;
    const start = parseTimestamp(m[1] as string);
    const end = parseTimestamp(m[2] as string);
    if (start === null || end === null || end < start) throw new TranscriptParseError(`Bad cue timing on line ${i + 1}: "${(lines[i] as string).trim()}".`);
    const body: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1] as string).trim() !== "") body.push(lines[++i] as string);
    cues++;
    words.push(...cueWords(body.join(" "), start, end, vtt));
  }
  if (cues === 0) throw new TranscriptParseError(`No cues found in the ${vtt ? "WebVTT" : "SubRip"} transcript.`);
  return words;
}

/** Words of one cue. VTT inline stamps time the words after them; otherwise time is spread by character length. */
function cueWords(raw: string, start: number, end: number, vtt: boolean): Word[] {
  type Piece = { text: string; at: number | null };
  const pieces: Piece[] = [];
  let at: number | null = null;
  // Split on inline timestamps, then drop the remaining markup (<c>, <v Speaker>, <i>, SRT's <font>, {\an8}).
  for (const part of raw.split(/(<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>)/)) {
    const stamp = vtt ? /^<([\d:.,]+)>$/.exec(part) : null;
    if (stamp) {
      at = parseTimestamp(stamp[1] as string);
      continue;
    }
    const clean = part.replace(/<[^>]*>/g, "").replace(/\{\\[^}]*\}/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&nbsp;/g, " ");
    for (const t of clean.split(/\s+/)) if (t) { pieces.push({ text: t, at }); at = null; }
  }
  if (pieces.length === 0) return [];
  // Anchor times: a stamped word starts at its stamp; unstamped runs share the time up to the next anchor.
  const out: Word[] = [];
  let k = 0;
  while (k < pieces.length) {
    const runStart = k === 0 ? (pieces[0]?.at ?? start) : (pieces[k]?.at ?? (out[out.length - 1] as Word).end);
    let e = k + 1;
    while (e < pieces.length && pieces[e]?.at === null) e++;
    const runEnd = e < pieces.length ? Math.max(runStart, (pieces[e] as Piece).at as number) : Math.max(runStart, end);
    const run = pieces.slice(k, e);
    const chars = run.reduce((n, p) => n + p.text.length, 0);
    let t = runStart;
    for (const p of run) {
      const d = chars > 0 ? ((runEnd - runStart) * p.text.length) / chars : 0;
      out.push({ word: p.text, start: round(t), end: round(t + d) });
      t += d;
    }
    k = e;
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function checkOrder(words: Word[]): Word[] {
  const sorted = [...words].sort((a, b) => a.start - b.start || a.end - b.end);
  return sorted;
}
