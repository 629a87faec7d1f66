// Finds where people speak and where they pause, from the audio level alone, with ffmpeg's volumedetect and
// silencedetect. The threshold is relative to the file's own level (a quiet lapel mic and a hot boom mic both
// work), and the result is used for scriptless cuts without words and to snap recogniser cut points to pauses.
import { assetInput, ffmpegBinary, runProcess, speechMap } from "../media/ffmpeg.js";
import { mediaTimeoutMs } from "../media/probe.js";
import type { MediaInfo, Segment } from "../media/types.js";

export interface SpeechMap {
  /** Pauses at least minSilence long, in source order. */
  silences: Segment[];
  /** The complement of the silences within [0, duration]. */
  speech: Segment[];
  /** The noise threshold used, in dBFS. */
  thresholdDb: number;
  meanDb: number | null;
  maxDb: number | null;
}

export interface DetectOptions {
  duration: number;
  /** The asset's probe: its demuxer is forced and its speech stream is the one listened to. */
  info: MediaInfo;
  /** Shortest pause to report, seconds; default 0.08 (short gaps between words are what cuts snap to). */
  minSilence?: number;
  signal?: AbortSignal;
}

/** Threshold for "silence": well under the average speech level, but never above -25 dBFS or below -65 dBFS. */
export function thresholdFor(meanDb: number | null, maxDb: number | null): number {
  if (meanDb === null || !Number.isFinite(meanDb)) return -45;
  // The mean includes the pauses, so it sits below the speech level: mean - 12 dB is comfortably between speech
  // and a room's noise floor for ordinary recordings (measured on the fixture: mean -29, floor -62).
  let t = meanDb - 12;
  if (maxDb !== null && Number.isFinite(maxDb)) t = Math.min(t, maxDb - 20);
  return Math.max(-65, Math.min(-25, t));
}

export function parseVolumedetect(stderr: string): { meanDb: number | null; maxDb: number | null } {
  const mean = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  const max = /max_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  const num = (m: RegExpExecArray | null) => (m && m[1] !== "-inf" ? Number(m[1]) : null);
  return { meanDb: num(mean), maxDb: num(max) };
}

export function parseSilencedetect(stderr: string, duration: number): Segment[] {
  const out: Segment[] = [];
  let open: number | null = null;
  for (const line of stderr.split("\n")) {
    const s = /silence_start:\s*(-?[\d.e+-]+)/.exec(line);
    if (s) {
      open = Math.max(0, Number(s[1]));
      continue;
    }
    const e = /silence_end:\s*([\d.e+-]+)/.exec(line);
    if (e && open !== null) {
      out.push({ start: open, end: Math.min(duration, Number(e[1])) });
      open = null;
    }
  }
  if (open !== null && open < duration) out.push({ start: open, end: duration });
  return out;
}

export function complement(silences: Segment[], duration: number): Segment[] {
  const speech: Segment[] = [];
  let t = 0;
  for (const s of silences) {
    if (s.start > t) speech.push({ start: t, end: s.start });
    t = Math.max(t, s.end);
  }
  if (t < duration) speech.push({ start: t, end: duration });
  return speech;
}

export async function detectSpeech(mediaPath: string, opts: DetectOptions): Promise<SpeechMap> {
  const ff = ffmpegBinary();
  // Only the stream that carries speech (chosen at preparation): room tone on another stream must not fill
  // the pauses, and a silent spare stream must not hide the speech.
  const base = ["-hide_banner", "-nostdin", ...assetInput(mediaPath, opts.info), "-map", speechMap(opts.info) ?? "0:a:0", "-vn", "-sn", "-dn"];
  const limits = { signal: opts.signal, timeoutMs: mediaTimeoutMs(opts.duration) };
  const vol = await runProcess(ff, [...base, "-af", "volumedetect", "-f", "null", "-"], limits);
  if (vol.code !== 0) throw new Error(`ffmpeg volumedetect failed: ${vol.stderr.trim().split("\n").pop() ?? ""}`);
  const { meanDb, maxDb } = parseVolumedetect(vol.stderr);
  const thresholdDb = thresholdFor(meanDb, maxDb);
  const minSilence = opts.minSilence ?? 0.08;
  const sil = await runProcess(ff, [...base, "-af", `silencedetect=noise=${thresholdDb.toFixed(1)}dB:d=${minSilence}`, "-f", "null", "-"], limits);
  if (sil.code !== 0) throw new Error(`ffmpeg silencedetect failed: ${sil.stderr.trim().split("\n").pop() ?? ""}`);
  const silences = parseSilencedetect(sil.stderr, opts.duration);
  return { silences, speech: complement(silences, opts.duration), thresholdDb, meanDb, maxDb };
}
