// Reads the kept segments of a cut from its OTIO export, as seconds from the file's start: the segments are not a
// field of the cut response ([inferred] in the contract), and OTIO is their machine-readable form. Tolerant of the
// documented schema's variations (schema versions, Stack or bare track lists, gaps and transitions, missing rates).

export type KeptSegment = { start: number; end: number };

/** The media's own timecode at its first frame: `frames` counted at `rate`, and that as `seconds`. */
export type SourceTimecode = { seconds: number; frames: number; rate: number };

/**
 * A word the cut leaves out and why, seconds from the file's start: "filler", "restart", "aside", "doubtful" from
 * the sandbox, or whatever reason a service writes (passed through as given).
 */
export type DroppedWord = { start: number; end: number; text: string; reason: string };

export type CutSegments = {
  count: number;
  kept_seconds: number;
  /** Source duration when the export names it (the media reference's available range). */
  source_seconds: number | null;
  /** Seconds from the file's start (what ffmpeg and players count), for every medium. */
  segments: KeptSegment[];
  /** Set when the media carries a timecode: segment + `seconds` is the time on that timecode. */
  source_timecode: SourceTimecode | null;
  /** The rate the clips count frames in (the media's, as every export uses it); null when the export gives none. */
  frame_rate: number | null;
  /**
   * The words the cut leaves out, by start, from the timeline's `metadata.roughy.dropped_words` (the sandbox writes
   * it); null when the export does not say (another service's OTIO): reasons unknown, not "none dropped".
   */
  dropped: DroppedWord[] | null;
};

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const schemaName = (v: Json): string => (typeof v.OTIO_SCHEMA === "string" ? v.OTIO_SCHEMA.split(".")[0]! : "");

function seconds(t: unknown): number | null {
  if (!isObj(t)) return null;
  const value = Number(t.value);
  const rate = Number(t.rate ?? 1);
  if (!Number.isFinite(value) || !Number.isFinite(rate) || rate <= 0) return null;
  return value / rate;
}

function range(r: unknown): { start: number; duration: number } | null {
  if (!isObj(r)) return null;
  const start = seconds(r.start_time);
  const duration = seconds(r.duration);
  if (start === null || duration === null) return null;
  return { start, duration };
}

function tracksOf(doc: Json): Json[] {
  const stack = doc.tracks;
  if (isObj(stack) && Array.isArray(stack.children)) return stack.children.filter(isObj);
  if (Array.isArray(stack)) return stack.filter(isObj);
  return [];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The timeline's dropped-word list, tolerant: an entry without finite times or a text and reason is skipped. */
function droppedWords(doc: Json): DroppedWord[] | null {
  const ours = isObj(doc.metadata) ? doc.metadata.roughy : undefined;
  if (!isObj(ours) || !Array.isArray(ours.dropped_words)) return null;
  const out: DroppedWord[] = [];
  for (const d of ours.dropped_words) {
    if (!isObj(d) || typeof d.text !== "string" || typeof d.reason !== "string") continue;
    const { start, end } = d;
    if (typeof start !== "number" || typeof end !== "number" || !Number.isFinite(start) || !Number.isFinite(end) || end < start) continue;
    out.push({ start: round(start), end: round(end), text: d.text, reason: d.reason });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Parses OTIO JSON text; throws an Error with a short reason when it is not a timeline with clips. */
export function segmentsFromOtio(text: string): CutSegments {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("the OTIO export is not JSON");
  }
  if (!isObj(doc)) throw new Error("the OTIO export is not a timeline");
  const tracks = tracksOf(doc);
  // The video track carries the edit; an audio-only source has only an audio track.
  const track = tracks.find((t) => String(t.kind ?? "").toLowerCase() === "video") ?? tracks[0];
  if (!track) throw new Error("the OTIO export has no track");
  const segments: KeptSegment[] = [];
  let source: number | null = null;
  let timecode: SourceTimecode | null = null;
  let frameRate: number | null = null;
  for (const item of Array.isArray(track.children) ? track.children : []) {
    if (!isObj(item) || schemaName(item) !== "Clip") continue;
    const r = range(item.source_range);
    if (!r || r.duration <= 0) continue;
    if (frameRate === null && isObj(item.source_range) && isObj(item.source_range.duration)) {
      const rate = Number(item.source_range.duration.rate);
      if (Number.isFinite(rate) && rate > 0) frameRate = rate;
    }
    const refs = [item.media_reference, ...(isObj(item.media_references) ? Object.values(item.media_references) : [])];
    // OTIO source ranges are in the media's own time, which starts at its timecode (the available range's
    // start): taken off, segments are seconds from the file's start whatever the media carries.
    let origin = 0;
    for (const ref of refs) {
      if (!isObj(ref) || !isObj(ref.available_range)) continue;
      const available = range(ref.available_range);
      if (!available) continue;
      origin = available.start;
      if (source === null) source = round(available.duration);
      const at = ref.available_range.start_time as Json;
      if (timecode === null && available.start > 0) timecode = { seconds: round(available.start), frames: Number(at.value), rate: Number(at.rate) };
      break;
    }
    segments.push({ start: round(r.start - origin), end: round(r.start - origin + r.duration) });
  }
  const kept = segments.reduce((sum, s) => sum + (s.end - s.start), 0);
  return { count: segments.length, kept_seconds: round(kept), source_seconds: source, source_timecode: timecode, frame_rate: frameRate, segments, dropped: droppedWords(doc) };
}
