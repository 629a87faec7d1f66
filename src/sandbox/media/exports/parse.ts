// Reads an edit-decision file back into segments (seconds on the source timeline, in record order).
// Used by round-trip tests, and available to anything that must read a cut from an export; it
// shares only the timecode module with the writers, and reads the reference examples too.
import type { Segment } from "../types.js";
import { framesToSeconds, parseFcpxTime, timecodeToFrames, toFrameRate } from "../timecode.js";
import type { ExportFormat } from "./common.js";
import { type XmlElement, child, children, descendants, parseXml, path } from "./xml-lite.js";

export interface ParseOptions {
  /** EDL only: an EDL carries no rate, so the reader must be told (default 30). */
  frameRate?: number;
  /** EDL only: the media's own start timecode, subtracted from source timecodes. */
  sourceStartTimecode?: string | null;
}

export function parseExport(format: ExportFormat, body: string, options: ParseOptions = {}): Segment[] {
  switch (format) {
    case "edl":
      return parseEdl(body, options);
    case "xmeml":
      return parseXmeml(body);
    case "fcpxml":
      return parseFcpxml(body);
    case "otio":
      return parseOtio(body);
  }
}

/** Strict CMX-3600 event reader: a cut event is exactly 8 whitespace-separated fields. */
export function parseEdl(body: string, options: ParseOptions = {}): Segment[] {
  const rate = toFrameRate(options.frameRate ?? 30);
  const offset = options.sourceStartTimecode ? timecodeToFrames(options.sourceStartTimecode, rate) : 0;
  const byRecord = new Map<number, Segment>();
  for (const line of body.split(/\r?\n/)) {
    if (!/^\d{3,}\s/.test(line)) continue;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 8) throw new SyntaxError(`EDL event needs 8 fields, got ${fields.length}: ${line}`);
    const [, , , transition, srcIn, srcOut, recIn] = fields as [string, string, string, string, string, string, string, string];
    if (transition !== "C") throw new SyntaxError(`unsupported EDL transition: ${transition}`);
    const recFrames = timecodeToFrames(recIn, rate);
    // V and A events of one segment share a record in: one segment.
    if (byRecord.has(recFrames)) continue;
    byRecord.set(recFrames, {
      start: framesToSeconds(timecodeToFrames(srcIn, rate) - offset, rate),
      end: framesToSeconds(timecodeToFrames(srcOut, rate) - offset, rate),
    });
  }
  return [...byRecord.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

function xmemlRate(el: XmlElement | undefined): { num: number; den: number } | undefined {
  const rate = child(el, "rate");
  const timebase = Number(child(rate, "timebase")?.text);
  if (!rate || !Number.isFinite(timebase) || timebase <= 0) return undefined;
  const ntsc = child(rate, "ntsc")?.text.trim().toUpperCase() === "TRUE";
  return ntsc ? { num: timebase * 1000, den: 1001 } : { num: timebase, den: 1 };
}

export function parseXmeml(body: string): Segment[] {
  const doc = parseXml(body);
  const sequence = path(doc, "xmeml", "sequence");
  if (!sequence) throw new SyntaxError("no xmeml sequence");
  const seqRate = xmemlRate(sequence);
  const media = child(sequence, "media");
  // The video track when there is one, else the first audio track: both carry the same cut.
  const track = child(child(media, "video"), "track") ?? child(child(media, "audio"), "track");
  const items = children(track, "clipitem")
    .map((item) => {
      const r = xmemlRate(item) ?? seqRate;
      if (!r) throw new SyntaxError("clipitem without a rate");
      const num = (name: string) => Number(child(item, name)?.text);
      return { start: num("start"), seg: { start: (num("in") * r.den) / r.num, end: (num("out") * r.den) / r.num } };
    })
    .sort((a, b) => a.start - b.start);
  return items.map((i) => i.seg);
}

export function parseFcpxml(body: string): Segment[] {
  const doc = parseXml(body);
  const assets = new Map<string, number>();
  for (const asset of descendants(doc, "asset")) assets.set(asset.attrs.id ?? "", parseFcpxTime(asset.attrs.start ?? "0s"));
  const spine = descendants(doc, "spine")[0];
  if (!spine) throw new SyntaxError("no FCPXML spine");
  return children(spine, "asset-clip")
    .map((clip) => {
      const assetStart = assets.get(clip.attrs.ref ?? "") ?? 0;
      const start = parseFcpxTime(clip.attrs.start ?? "0s") - assetStart;
      return {
        offset: parseFcpxTime(clip.attrs.offset ?? "0s"),
        seg: { start, end: start + parseFcpxTime(clip.attrs.duration ?? "0s") },
      };
    })
    .sort((a, b) => a.offset - b.offset)
    .map((c) => c.seg);
}

interface OtioTime {
  value: number;
  rate: number;
}

function seconds(t: OtioTime | undefined): number {
  if (!t || typeof t.value !== "number" || typeof t.rate !== "number" || t.rate <= 0) {
    throw new SyntaxError("bad OTIO RationalTime");
  }
  return t.value / t.rate;
}

interface OtioNode {
  OTIO_SCHEMA?: string;
  kind?: string;
  children?: OtioNode[];
  tracks?: OtioNode;
  source_range?: { start_time?: OtioTime; duration?: OtioTime } | null;
  media_references?: Record<string, { available_range?: { start_time?: OtioTime } | null }>;
  active_media_reference_key?: string;
}

export function parseOtio(body: string): Segment[] {
  const timeline = JSON.parse(body) as OtioNode;
  if (!timeline.OTIO_SCHEMA?.startsWith("Timeline.")) throw new SyntaxError("not an OTIO timeline");
  const tracks = (timeline.tracks?.children ?? []).filter((t) => t.OTIO_SCHEMA?.startsWith("Track."));
  const track = tracks.find((t) => t.kind === "Video") ?? tracks.find((t) => t.kind === "Audio");
  const out: Segment[] = [];
  for (const item of track?.children ?? []) {
    if (!item.OTIO_SCHEMA?.startsWith("Clip.")) continue;
    const range = item.source_range;
    const ref = item.media_references?.[item.active_media_reference_key ?? "DEFAULT_MEDIA"];
    // Source ranges are in media time; the media's first frame is its available range's start.
    const origin = ref?.available_range?.start_time ? seconds(ref.available_range.start_time) : 0;
    const start = seconds(range?.start_time) - origin;
    out.push({ start, end: start + seconds(range?.duration) });
  }
  return out;
}
