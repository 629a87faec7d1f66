// Pure arithmetic of the timeline: totals, dropped gaps, ruler ticks and time labels. No DOM here, so
// the numbers the page shows are the numbers the tests check.

export type Span = { start: number; end: number };
export type Word = { start: number; end: number; text: string; span?: number };

export type Totals = { source: number; kept: number; removedShare: number; joins: number };

export function totals(segments: readonly Span[], source: number): Totals {
  const kept = segments.reduce((sum, s) => sum + Math.max(0, s.end - s.start), 0);
  return {
    source,
    kept,
    removedShare: source > 0 ? Math.min(1, Math.max(0, 1 - kept / source)) : 0,
    // Each join is a cut point in the output where two kept spans meet.
    joins: Math.max(0, segments.length - 1),
  };
}

/** The source's length for drawing: the stated duration, or at least the end of the last span. */
export function drawnLength(segments: readonly Span[], source: number | null): number {
  const last = segments.reduce((m, s) => Math.max(m, s.end), 0);
  return Math.max(source ?? 0, last);
}

/** What the cut drops: the stretches between kept spans, and before the first and after the last. */
export function gaps(segments: readonly Span[], length: number): Span[] {
  const out: Span[] = [];
  let at = 0;
  for (const s of segments) {
    if (s.start - at > 0.001) out.push({ start: at, end: s.start });
    at = Math.max(at, s.end);
  }
  if (length - at > 0.001) out.push({ start: at, end: length });
  return out;
}

const STEPS = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/**
 * Ruler marks for the stretch `from` to `to` seconds drawn `widthPx` wide (the whole source by default; a zoomed
 * bar's visible part): the smallest round step that leaves about `minPx` between labels.
 */
export function ticks(to: number, widthPx: number, minPx = 64, from = 0): number[] {
  if (!(to - from > 0) || !(widthPx > 0)) return [from];
  const step = STEPS.find((s) => (s / (to - from)) * widthPx >= minPx) ?? STEPS[STEPS.length - 1]!;
  const out: number[] = [];
  for (let k = Math.ceil(from / step - 1e-9); k * step <= to + 1e-9; k++) out.push(Math.round(k * step * 1000) / 1000 || 0); // || 0: no -0 from a start at zero
  return out;
}

/** 75.25 -> "1:15.3"; over an hour "1:02:03". Tenths only below ten minutes, where they matter. */
export function clock(seconds: number, tenths = true): string {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const sec = s % 60;
  if (h > 0) return `${h}:${String(m).padStart(2, "0")}:${String(Math.floor(sec)).padStart(2, "0")}`;
  const whole = tenths && s < 600 ? sec.toFixed(1).padStart(4, "0") : String(Math.floor(sec)).padStart(2, "0");
  return `${m}:${whole}`;
}

/** A duration for people: "2.4 s", "1 min 05 s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
}

/** Words grouped by the kept span their middle falls in (words outside every span are left out). */
export function wordsBySpan(words: readonly Word[], segments: readonly Span[]): Word[][] {
  const groups: Word[][] = segments.map(() => []);
  let i = 0;
  for (const w of words) {
    const mid = (w.start + w.end) / 2;
    while (i < segments.length - 1 && mid >= segments[i]!.end) i++;
    const seg = segments[i];
    if (seg && mid >= seg.start - 0.05 && mid <= seg.end + 0.05) groups[i]!.push(w);
  }
  return groups;
}

/** Whether a media URL may be tried in a view: https only (hosts block http and loopback media). */
export function playableUrl(url: string | null): { ok: true; url: string } | { ok: false; reason: string } {
  if (!url) return { ok: false, reason: "no download URL yet" };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "the download URL is not a URL" };
  }
  if (parsed.protocol !== "https:") {
    return { ok: false, reason: `the file is served from ${parsed.origin}, not over https (a local sandbox); hosts block such media in views` };
  }
  return { ok: true, url: parsed.href };
}

/** Whole frames at `rate` as HH:MM:SS:FF (non-drop-frame: frames counted at the nominal rounded rate). */
export function timecode(seconds: number, rate: number): string {
  return frameTimecode(Math.round(seconds * rate), rate);
}

/** A frame count as non-drop-frame HH:MM:SS:FF, counted at the rate's whole number of frames a second (30 at 29.97). */
export function frameTimecode(total: number, rate: number): string {
  const fps = Math.round(rate);
  const ff = total % fps;
  const s = Math.floor(total / fps);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}:${two(ff)}`;
}

/** The record timeline's frames: 01:00:00:00, then each span before `index` in whole frames, as the exports count it. */
export function recordFrames(segments: readonly Span[], index: number, rate: number): number {
  return segments.slice(0, index).reduce((n, s) => n + Math.round(s.end * rate) - Math.round(s.start * rate), 3600 * Math.round(rate));
}

/** Where span `index` sits on the record timeline: the kept time before it, after the timeline's start. */
export function recordStart(segments: readonly Span[], index: number, start = 3600): number {
  return segments.slice(0, index).reduce((t, s) => t + s.end - s.start, start);
}

/**
 * A typed time: `HH:MM:SS:FF` (frames at `rate`), `HH:MM:SS(.s)`, `MM:SS(.s)` or plain seconds. `timecode`
 * tells whether it was a frame timecode (read against a timeline's origin) or a plain offset. Null if unreadable.
 */
export function parseTime(text: string, rate: number): { seconds: number; timecode: boolean } | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return { seconds: Number(t), timecode: false };
  const frames = /^(\d{1,2}):(\d{2}):(\d{2})[:;](\d{2})$/.exec(t);
  if (frames) {
    const [h, m, s, f] = frames.slice(1).map(Number) as [number, number, number, number];
    if (m > 59 || s > 59 || f >= Math.round(rate)) return null;
    // Frames at the nominal rate (30 at 29.97): 01:00:00:00 is 108,000 frames, 3,603.6 s.
    return { seconds: ((h * 3600 + m * 60 + s) * Math.round(rate) + f) / rate, timecode: true };
  }
  const clockLike = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (clockLike) {
    const [h, m, s] = [Number(clockLike[1] ?? 0), Number(clockLike[2]), Number(clockLike[3])];
    if (m > 59 || s >= 60) return null;
    return { seconds: h * 3600 + m * 60 + s, timecode: false };
  }
  return null;
}

/** The span holding source time `t`, or else the first span after it (a time in a dropped stretch); -1 past the end. */
export function spanAtSource(segments: readonly Span[], t: number): { index: number; inside: boolean } {
  const i = segments.findIndex((s) => t < s.end);
  return i < 0 ? { index: -1, inside: false } : { index: i, inside: t >= segments[i]!.start };
}

/** The span playing at `t` seconds into the cut (record time from its start), or -1 past the end. */
export function spanAtRecord(segments: readonly Span[], t: number): number {
  let at = 0;
  for (let i = 0; i < segments.length; i++) {
    at += segments[i]!.end - segments[i]!.start;
    if (t >= 0 && t < at) return i;
  }
  return -1;
}

export type DiffRun = { op: "same" | "add" | "del"; words: string[] };

/**
 * Word runs turning `a` into `b` (a longest common subsequence on `key`, after the common head and tail are
 * set aside). A middle too big to compare in memory is reported as all removed, then all added.
 */
export function wordDiff(a: readonly string[], b: readonly string[], key: (w: string) => string = (w) => w, maxCells = 16_000_000): DiffRun[] {
  const ka = a.map(key);
  const kb = b.map(key);
  let head = 0;
  while (head < a.length && head < b.length && ka[head] === kb[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && ka[a.length - 1 - tail] === kb[b.length - 1 - tail]) tail++;
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  const ops: ("same" | "add" | "del")[] = [];
  const words: string[] = [];
  const push = (op: "same" | "add" | "del", w: string): void => void (ops.push(op), words.push(w));
  for (let i = 0; i < head; i++) push("same", b[i]!);
  if ((n + 1) * (m + 1) > maxCells) {
    for (let i = 0; i < n; i++) push("del", a[head + i]!);
    for (let j = 0; j < m; j++) push("add", b[head + j]!);
  } else {
    // lcs[i][j]: the common length of a[i..] and b[j..] (middles only), row-major in one array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * w + j] = ka[head + i] === kb[head + j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ka[head + i] === kb[head + j]) {
        push("same", b[head + j]!);
        i++;
        j++;
      } else if (j < m && (i >= n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) push("add", b[head + j++]!);
      else push("del", a[head + i++]!);
    }
  }
  for (let i = b.length - tail; i < b.length; i++) push("same", b[i]!);
  const runs: DiffRun[] = [];
  ops.forEach((op, k) => {
    const last = runs[runs.length - 1];
    if (last?.op === op) last.words.push(words[k]!);
    else runs.push({ op, words: [words[k]!] });
  });
  return runs;
}

/** One row of a side-by-side diff: an unchanged run (the same words on both sides) or a change (removed beside added). */
export type DiffRow = { op: "same" | "change"; old: string[]; new: string[] };

/** Diff runs as aligned rows: a removal followed by an addition is one change row, so the replacement sits beside what it replaced. */
export function diffRows(runs: readonly DiffRun[]): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const r of runs) {
    const last = rows[rows.length - 1];
    if (r.op === "same") rows.push({ op: "same", old: r.words, new: r.words });
    else if (last?.op === "change" && (r.op === "add" ? last.new.length === 0 : last.old.length === 0)) (r.op === "add" ? last.new : last.old).push(...r.words);
    else rows.push({ op: "change", old: r.op === "del" ? [...r.words] : [], new: r.op === "add" ? [...r.words] : [] });
  }
  return rows;
}

/** A word the cut removed, in source time, with the engine's reason; `before` is the kept span it precedes (the span count when after the last). */
export type Dropped = { start: number; end: number; text: string; reason: string; before: number };

/** Dropped words by the gap they sit in, keyed by the kept span that follows the gap. */
export function droppedByGap(dropped: readonly Dropped[]): Map<number, Dropped[]> {
  const out = new Map<number, Dropped[]>();
  for (const d of [...dropped].sort((a, b) => a.start - b.start)) {
    const list = out.get(d.before);
    if (list) list.push(d);
    else out.set(d.before, [d]);
  }
  return out;
}

/** Neighbouring dropped words with the same reason, as one run ("so we so we" is one restart). */
export function reasonRuns(words: readonly Dropped[]): { reason: string; words: Dropped[] }[] {
  const runs: { reason: string; words: Dropped[] }[] = [];
  for (const w of words) {
    const last = runs[runs.length - 1];
    if (last && last.reason === w.reason) last.words.push(w);
    else runs.push({ reason: w.reason, words: [w] });
  }
  return runs;
}

// Word-level reasons count each word; phrase-level ones (a restart, an aside) count each run of words.
const PER_WORD = new Set(["filler", "doubtful"]);
const PLURAL: Record<string, [string, string]> = { filler: ["filler", "fillers"], restart: ["restart", "restarts"], aside: ["aside", "asides"], doubtful: ["doubtful word", "doubtful words"], pause: ["pause", "pauses"] };
const ORDER = ["filler", "restart", "aside", "doubtful"];

/**
 * What was removed, by reason: "14 fillers, 2 restarts, 1 aside, 38 pauses". `byGap` holds each gap's dropped
 * words; `gapCount` counts every gap, and a gap with no dropped word in it is a pause. Unknown reasons are named as given.
 */
export function removedByReason(byGap: ReadonlyMap<number, readonly Dropped[]>, gapKeys: readonly number[]): { reason: string; count: number; label: string }[] {
  const counts = new Map<string, number>();
  for (const words of byGap.values()) {
    for (const run of reasonRuns(words)) counts.set(run.reason, (counts.get(run.reason) ?? 0) + (PER_WORD.has(run.reason) ? run.words.length : 1));
  }
  const pauses = gapKeys.filter((k) => !(byGap.get(k)?.length)).length;
  if (pauses > 0) counts.set("pause", pauses);
  const rank = (r: string): number => (r === "pause" ? 1e6 : ORDER.includes(r) ? ORDER.indexOf(r) : 100);
  return [...counts]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({ reason, count, label: `${count} ${PLURAL[reason]?.[count === 1 ? 0 : 1] ?? reason}` }));
}
