// Frame rates, frame snapping and SMPTE timecode for the edit-decision exports. Every NLE format
// counts whole frames, and the NTSC rates are not the decimals people type (29.97 is 30000/1001),
// so this module turns the float from ffprobe or a user's `frame_rate=` into an exact rational once,
// and all frame arithmetic after that is in integers.
import type { Segment } from "./types.js";

export interface FrameRate {
  /** Exact rate num/den frames per second (30000/1001 for 29.97). */
  num: number;
  den: number;
  /** num/den as a float, for formats that store a float (OTIO writes 29.97002997002997). */
  fps: number;
  /** Frames per timecode second: 30 for 29.97, 24 for 23.976 (xmeml's `<timebase>`). */
  timebase: number;
  /** True for the ×1000/1001 rates (xmeml's `<ntsc>`). */
  ntsc: boolean;
  /** Whether drop-frame timecode exists at this rate (29.97 and 59.94 only). */
  dropFrameCapable: boolean;
}

// The rates NLEs actually use. A probed or typed float within tolerance maps to one of these.
const KNOWN_RATES: ReadonlyArray<readonly [number, number]> = [
  [24000, 1001],
  [24, 1],
  [25, 1],
  [30000, 1001],
  [30, 1],
  [48000, 1001],
  [48, 1],
  [50, 1],
  [60000, 1001],
  [60, 1],
  [120000, 1001],
  [120, 1],
];

// 29.97 typed by a user is 0.00003 from 30000/1001, 23.976 is 0.000024 from 24000/1001; the
// nearest distinct known rates are 0.024 apart (23.976 vs 24), so this cannot pick the wrong one.
const RATE_TOLERANCE = 0.005;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

function makeRate(num: number, den: number): FrameRate {
  const g = gcd(num, den);
  num /= g;
  den /= g;
  const fps = num / den;
  const ntsc = den === 1001;
  const timebase = ntsc ? num / 1000 : Math.max(1, Math.round(fps));
  return { num, den, fps, timebase, ntsc, dropFrameCapable: ntsc && (timebase === 30 || timebase === 60) };
}

/**
 * Maps a float frame rate (29.97, 29.97002997, 25, 23.976...) to the exact rational. Rates that
 * are not a known NLE rate keep three decimals (12.5 → 25/2).
 */
export function toFrameRate(fps: number): FrameRate {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) throw new RangeError(`invalid frame rate: ${fps}`);
  for (const [num, den] of KNOWN_RATES) {
    if (Math.abs(fps - num / den) < RATE_TOLERANCE) return makeRate(num, den);
  }
  return makeRate(Math.round(fps * 1000), 1000);
}

/** Exact rate from a rational (ffprobe's r_frame_rate "30000/1001"). */
export function frameRateFromRational(num: number, den: number): FrameRate {
  if (!Number.isInteger(num) || !Number.isInteger(den) || num <= 0 || den <= 0) {
    throw new RangeError(`invalid frame rate: ${num}/${den}`);
  }
  return makeRate(num, den);
}

/**
 * Seconds to the nearest frame boundary (round half up, with a nano-frame of slack so that float
 * noise on an exact boundary, e.g. 1.001 s at 29.97, does not fall one frame short).
 */
export function secondsToFrames(seconds: number, rate: FrameRate): number {
  return Math.floor((seconds * rate.num) / rate.den + 0.5 + 1e-6);
}

export function framesToSeconds(frames: number, rate: FrameRate): number {
  return (frames * rate.den) / rate.num;
}

/** A kept segment on whole frames: source in/out (media frames) and record in/out (sequence frames). */
export interface FramedSegment {
  srcIn: number;
  srcOut: number;
  recIn: number;
  recOut: number;
}

/**
 * Snaps segments to whole frames. Each source boundary rounds to its nearest frame on its own
 * (so two segments that touch in seconds still touch in frames, and rounding is monotonic, so
 * ordered segments never overlap); record positions are then the running sum of the snapped
 * durations, so event durations add up to the record duration exactly. A segment shorter than
 * half a frame snaps to nothing and is dropped rather than written as a zero-length event.
 * Boundaries are clamped to the media (`mediaFrames`, when known).
 */
export function snapSegments(segments: readonly Segment[], rate: FrameRate, mediaFrames?: number): FramedSegment[] {
  const out: FramedSegment[] = [];
  let rec = 0;
  for (const seg of segments) {
    let srcIn = Math.max(0, secondsToFrames(seg.start, rate));
    let srcOut = secondsToFrames(seg.end, rate);
    if (mediaFrames !== undefined) {
      srcIn = Math.min(srcIn, mediaFrames);
      srcOut = Math.min(srcOut, mediaFrames);
    }
    if (srcOut <= srcIn) continue;
    out.push({ srcIn, srcOut, recIn: rec, recOut: rec + (srcOut - srcIn) });
    rec += srcOut - srcIn;
  }
  return out;
}

const FRAMES_PER_DAY_NOMINAL = (tb: number) => tb * 86400;

function dropPerMinute(rate: FrameRate): number {
  // SMPTE 12M: 29.97 drops frame numbers 0 and 1 every minute except each tenth; 59.94 drops 0-3.
  return rate.timebase === 60 ? 4 : 2;
}

/** How many real frames a 24-hour timecode day holds (fewer than nominal under drop-frame). */
export function framesPerDay(rate: FrameRate, dropFrame: boolean): number {
  if (!dropFrame) return FRAMES_PER_DAY_NOMINAL(rate.timebase);
  const drop = dropPerMinute(rate);
  return FRAMES_PER_DAY_NOMINAL(rate.timebase) - drop * (24 * 60 - 24 * 6);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Frame count to SMPTE timecode `HH:MM:SS:FF` (drop-frame `HH:MM:SS;FF`), wrapping at 24 hours as
 * decks do. Drop-frame is only honoured at 29.97 and 59.94; elsewhere it is ignored.
 */
export function framesToTimecode(frames: number, rate: FrameRate, dropFrame = false): string {
  if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`invalid frame count: ${frames}`);
  const df = dropFrame && rate.dropFrameCapable;
  const tb = rate.timebase;
  let f = frames % framesPerDay(rate, df);
  if (df) {
    // Renumber real frames into the label space by adding back the skipped labels.
    const drop = dropPerMinute(rate);
    const perMinute = tb * 60 - drop;
    const perTenMinutes = perMinute * 10 + drop;
    const tens = Math.floor(f / perTenMinutes);
    const rem = f % perTenMinutes;
    f += 9 * drop * tens + (rem > drop ? drop * Math.floor((rem - drop) / perMinute) : 0);
  }
  const ff = f % tb;
  const totalSeconds = Math.floor(f / tb);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600);
  return `${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${df ? ";" : ":"}${pad2(ff)}`;
}

const TIMECODE_RE = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$/;

/**
 * SMPTE timecode to a frame count. A `;` (or `,` / `.`, as some tools write it) before the frames
 * marks drop-frame, which is honoured only at 29.97 and 59.94. Throws on a malformed or
 * out-of-range timecode, including a label that drop-frame skips.
 */
export function timecodeToFrames(tc: string, rate: FrameRate): number {
  const m = TIMECODE_RE.exec(tc.trim());
  if (!m) throw new RangeError(`invalid timecode: ${tc}`);
  const [hh, mm, ss, ff] = [m[1], m[2], m[3], m[5]].map(Number) as [number, number, number, number];
  const df = m[4] !== ":" && rate.dropFrameCapable;
  const tb = rate.timebase;
  if (mm > 59 || ss > 59 || ff >= tb) throw new RangeError(`invalid timecode: ${tc}`);
  let frames = (hh * 3600 + mm * 60 + ss) * tb + ff;
  if (df) {
    const drop = dropPerMinute(rate);
    if (ss === 0 && mm % 10 !== 0 && ff < drop) throw new RangeError(`timecode ${tc} does not exist in drop-frame`);
    const totalMinutes = hh * 60 + mm;
    frames -= drop * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return frames;
}

/** Whether a timecode string is written drop-frame (`;` before the frames). */
export function isDropFrameTimecode(tc: string | null | undefined): boolean {
  return typeof tc === "string" && /[;.,]\d{2,3}$/.test(tc.trim());
}

/**
 * FCPXML times: rational seconds on whole frames, `N/Ds`. NTSC rates use Apple's `1001/30000s`
 * frame duration; integer rates use `100/3000s` (30 fps) as Final Cut Pro writes them.
 */
export function fcpxFrameDuration(rate: FrameRate): { num: number; den: number } {
  if (rate.den === 1) return { num: 100, den: rate.num * 100 };
  return { num: rate.den, den: rate.num };
}

export function fcpxFrameDurationString(rate: FrameRate): string {
  const { num, den } = fcpxFrameDuration(rate);
  return `${num}/${den}s`;
}

export function fcpxTime(frames: number, rate: FrameRate): string {
  if (frames === 0) return "0s";
  const { num, den } = fcpxFrameDuration(rate);
  return `${frames * num}/${den}s`;
}

/** Parses an FCPXML time (`30030/30000s`, `3s`, `0s`) to seconds. */
export function parseFcpxTime(value: string): number {
  const m = /^(-?\d+(?:\.\d+)?)(?:\/(\d+))?s$/.exec(value.trim());
  if (!m) throw new RangeError(`invalid FCPXML time: ${value}`);
  return Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2]));
}
