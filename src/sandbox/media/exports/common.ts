// What every edit-decision writer shares: the input shape, and one place that turns seconds into
// the frame plan (exact rate, snapped segments, source timecode offset, drop-frame choice) so that
// the four formats cannot disagree on timing.
import { mediaFrameCount, snapCut } from "../cut-grid.js";
import type { MediaInfo, Segment } from "../types.js";
import {
  type FramedSegment,
  type FrameRate,
  framesPerDay,
  isDropFrameTimecode,
  secondsToFrames,
  timecodeToFrames,
  toFrameRate,
} from "../timecode.js";

export type ExportFormat = "edl" | "xmeml" | "fcpxml" | "otio";

export interface ExportSource {
  filename: string;
  /** Seconds. */
  duration: number;
  media_type: "video" | "audio";
  frame_rate: number | null;
  width?: number;
  height?: number;
  sample_rate?: number;
  /** The media's own timecode at its first frame ("01:00:00:00", "00:59:59;29"), if it has one. */
  start_timecode?: string | null;
  /** The media's clock at its first sample in seconds, used when it has no timecode (BWF time_reference). */
  start_seconds?: number | null;
  has_audio?: boolean;
  has_video?: boolean;
  /** The picture's size as shown (after a display rotation): what the sequence must be. */
  display_width?: number;
  display_height?: number;
  /** Channels of each audio stream, from the probe; unknown means one stereo stream. */
  audio_channels?: number[];
}

/** What the writers need to know of a probed source. */
export function exportSourceOf(info: MediaInfo, filename: string): ExportSource {
  return {
    filename,
    duration: info.duration,
    media_type: info.media_type,
    frame_rate: info.frame_rate,
    width: info.width,
    height: info.height,
    sample_rate: info.sample_rate,
    start_timecode: info.start_timecode ?? null,
    start_seconds: info.start_seconds ?? null,
    has_audio: info.has_audio,
    has_video: info.has_video,
    display_width: info.display_width,
    display_height: info.display_height,
    // Every audio stream, in container order: NLEs show each of its channels as a track.
    audio_channels: info.audio_streams?.map((a) => a.channels ?? 1),
  };
}

/** A word the cut leaves out and why (the engine's DroppedWord), seconds from the file's start. */
export interface DroppedWord {
  word: string;
  start: number;
  end: number;
  reason: string;
}

export interface ExportInput {
  /** Kept spans on the source timeline, seconds, end exclusive, in record order. */
  segments: Segment[];
  /** The words the cut leaves out, with why; null or absent when the cut did not record them. */
  dropped?: DroppedWord[] | null;
  source: ExportSource;
  /** The rate to write: the cut's grid (cut-grid.ts), or the user's `frame_rate` for audio-only media. */
  frameRate: number | FrameRate;
  title: string;
}

export interface ExportFile {
  body: string;
  contentType: string;
  extension: string;
}

export interface ExportPlan {
  rate: FrameRate;
  /** The words the cut leaves out, by start; null when not recorded (OTIO alone carries them). */
  dropped: DroppedWord[] | null;
  events: FramedSegment[];
  /** Media length in frames. */
  mediaFrames: number;
  /** Sequence length in frames (the sum of the event durations). */
  recordFrames: number;
  /** Frame number of the media's first frame on its own timecode (0 when it has none). */
  sourceStartFrames: number;
  /**
   * Record timecode starts at 01:00:00:00 (01:00:00;00 drop-frame) in every format, as broadcast and NLE
   * conventions expect: EDL record times, xmeml and OTIO sequence start, FCPXML tcStart.
   */
  recordStartFrames: number;
  /**
   * Drop-frame timecode only when the media's own timecode is drop-frame: source timecode must
   * match the media's labels for relinking, and one mode governs a whole EDL. Media without
   * timecode get non-drop, which every reader handles and which counts frames without gaps
   * (the checked reference example is 29.97 non-drop).
   */
  dropFrame: boolean;
  hasVideo: boolean;
  hasAudio: boolean;
  title: string;
  filename: string;
  /** The filename without its extension (FCPXML asset names). */
  baseName: string;
  /** Display size: a portrait phone video is 1080x1920 here even when coded 1920x1080 and turned. */
  width: number;
  height: number;
  sampleRate: number;
  /** Channels of each audio stream ([] without audio); NLEs lay out one track per channel. */
  audioStreams: number[];
  /** All audio channels, across streams. */
  audioChannels: number;
}

export const RECORD_START_TIMECODE = "01:00:00:00";

export function planExport(input: ExportInput): ExportPlan {
  const rate = typeof input.frameRate === "number" ? toFrameRate(input.frameRate) : input.frameRate;
  const src = input.source;
  // The render's snapping (cut-grid.ts): on the cut's grid, events are the render's joins exactly.
  const mediaFrames = mediaFrameCount(src.duration, rate);
  const events = snapCut(input.segments, rate, src.duration);
  const tc = src.start_timecode ?? null;
  const dropFrame = rate.dropFrameCapable && isDropFrameTimecode(tc);
  let sourceStartFrames = 0;
  if (tc) {
    try {
      sourceStartFrames = timecodeToFrames(tc, rate);
    } catch {
      // A timecode track that does not fit the rate (e.g. probed from a stream of another rate)
      // is ignored rather than failing the export.
      sourceStartFrames = 0;
    }
  } else if (src.start_seconds && src.start_seconds > 0) {
    // Wrapped into one timecode day, as a deck would.
    sourceStartFrames = secondsToFrames(src.start_seconds, rate) % framesPerDay(rate, false);
  }
  const hasVideo = src.media_type === "video" ? src.has_video !== false : false;
  const hasAudio = src.has_audio ?? true;
  const audioStreams = (src.audio_channels ?? []).filter((c) => Number.isInteger(c) && c > 0);
  const plannedAudio = hasAudio || !hasVideo ? (audioStreams.length > 0 ? audioStreams : [2]) : [];
  const recordStartFrames = timecodeToFrames(dropFrame ? "01:00:00;00" : RECORD_START_TIMECODE, rate);
  const filename = src.filename || "media";
  const dot = filename.lastIndexOf(".");
  return {
    rate,
    dropped: input.dropped ? [...input.dropped].sort((a, b) => a.start - b.start) : null,
    events,
    mediaFrames,
    recordFrames: events.reduce((n, e) => n + (e.recOut - e.recIn), 0),
    sourceStartFrames,
    recordStartFrames,
    dropFrame,
    hasVideo,
    hasAudio: hasAudio || !hasVideo,
    title: input.title,
    filename,
    baseName: dot > 0 ? filename.slice(0, dot) : filename,
    width: src.display_width ?? src.width ?? 1920,
    height: src.display_height ?? src.height ?? 1080,
    sampleRate: src.sample_rate ?? 48000,
    audioStreams: plannedAudio,
    audioChannels: plannedAudio.reduce((n, c) => n + c, 0),
  };
}

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // Control characters other than tab/newline are not allowed in XML 1.0 at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

/** The filename as a URL path segment; the sandbox knows only the name, not the user's folder. */
export function encodeFileName(filename: string): string {
  return encodeURIComponent(filename).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** One line, no control characters: for names inside line-based formats. */
export function singleLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}
