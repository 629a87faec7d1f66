// The one timeline grid of a cut. Renders, subtitles and the four edit-decision exports all cut a source on
// the same instants, so a word in the SRT, a join in the rendered m4a and an event in the EDL line up exactly:
// every consumer asks this module for the grid and snaps through the one snapSegments in timecode.ts.
import { type FrameRate, type FramedSegment, snapSegments, toFrameRate } from "./timecode.js";
import type { MediaInfo, Segment } from "./types.js";

/**
 * Audio-only media has no frames of its own, so its cuts are laid on 25 fps frames: a 25 fps frame is a whole
 * number of samples at every common audio rate (8, 11.025, 16, 22.05, 32, 44.1, 48, 96 kHz), so the render
 * still cuts between samples, and an export at frame_rate 25 writes exactly the render's joins. (29.97's frame
 * is 1601.6 samples at 48 kHz, 24's is 1837.5 at 44.1 kHz: neither fits every rate.)
 */
export const AUDIO_ONLY_FPS = 25;

/** The rate of a video without a readable one (rare: a damaged or odd stream); the render has always used it. */
const UNKNOWN_VIDEO_FPS = 25;

export type GridInfo = Pick<MediaInfo, "has_video" | "frame_rate" | "frame_rate_num" | "frame_rate_den">;

/**
 * The grid a source's cuts are played on: its video frame rate (as the NLE rate it is: a variable-rate phone
 * video averaging 29.99999 fps is 30), or 25 fps for audio-only media.
 */
export function cutGrid(info: GridInfo): FrameRate {
  if (!info.has_video) return toFrameRate(AUDIO_ONLY_FPS);
  if (info.frame_rate_num && info.frame_rate_den) return toFrameRate(info.frame_rate_num / info.frame_rate_den);
  return toFrameRate(info.frame_rate ?? UNKNOWN_VIDEO_FPS);
}

/**
 * Whole frames in a medium of `seconds`: a frame past the last full one does not exist, and float slack keeps a
 * duration written to the microsecond (9.99999 s at 25 fps) from losing its last frame.
 */
export function mediaFrameCount(seconds: number, rate: FrameRate): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.floor((seconds * rate.num) / rate.den + 1e-3);
}

/** A cut's segments on its grid, clamped to the media: the render's spans, the exports' events, the subtitles' joins. */
export function snapCut(segments: readonly Segment[], rate: FrameRate, mediaSeconds: number): FramedSegment[] {
  return snapSegments(segments, rate, mediaFrameCount(mediaSeconds, rate));
}
