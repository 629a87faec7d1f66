// Reads what an uploaded file is (container, video or audio, duration, exact frame rate, size and rotation,
// every audio stream, start timecode) with the media toolchain, so that preparation can charge per minute, the
// cut can listen to the stream that carries speech, and exports and renders can work in the source's own
// frames. A file no reader can open, or one without an audio or video stream, is not media.
import { MediaProbeError, probeFile, type ProbedMedia } from "../../media-tools/index.js";
import { assetInput, ffmpegBinary, runProcess } from "./ffmpeg.js";
import type { MediaInfo } from "./types.js";

export class MediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaError";
  }
}

function parseRate(rate: string | undefined): { num: number; den: number } | null {
  if (!rate) return null;
  const m = /^(\d+)\/(\d+)$/.exec(rate.trim());
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (!(num > 0 && den > 0)) return null;
  return { num, den };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The stream's frame rate as an exact fraction. r_frame_rate is the container's base rate and is exact for
 * constant-rate footage (30000/1001); avg_frame_rate wins when r_frame_rate is an implausible timebase
 * (some VFR files report 90000/1).
 */
export function pickFrameRate(r: string | undefined, avg: string | undefined): { num: number; den: number } | null {
  const rr = parseRate(r);
  const ar = parseRate(avg);
  let pick = rr;
  if (!pick || pick.num / pick.den > 240) pick = ar;
  if (!pick || pick.num / pick.den > 240 || pick.num / pick.den < 1) return null;
  const g = gcd(pick.num, pick.den);
  return { num: pick.num / g, den: pick.den / g };
}

/** Speech sits in 200 Hz - 3.5 kHz; room tone and hum mostly below, hiss mostly above. */
const SPEECH_BAND = "highpass=f=200,lowpass=f=3500";

/**
 * The audio stream the cut listens to: with one stream, that one; with several, the one with the highest mean
 * level in the speech band, measured in one ffmpeg pass over all of them. Room tone, a silent spare channel or a
 * camera's scratch track loses to a microphone. (Loud music on another stream could win: its level in the band
 * is high too; the asset's `speech_stream` says which one was heard, and renders keep every stream.)
 */
export async function measureSpeechStreams(file: string, info: MediaInfo, signal?: AbortSignal): Promise<Map<number, number | null>> {
  const streams = info.audio_streams ?? [];
  const levels = new Map<number, number | null>();
  const graph = streams.map((s) => `[0:${s.index}]${SPEECH_BAND},volumedetect@s${s.index}[o${s.index}]`).join(";");
  const maps = streams.flatMap((s) => ["-map", `[o${s.index}]`]);
  const r = await runProcess(ffmpegBinary(), ["-hide_banner", "-nostdin", ...assetInput(file, info), "-filter_complex", graph, ...maps, "-f", "null", "-"], {
    signal,
    timeoutMs: mediaTimeoutMs(info.duration),
  });
  if (r.code !== 0) throw new MediaError("The file's audio streams could not be decoded.");
  for (const s of streams) {
    const m = new RegExp(`\\[volumedetect@s${s.index} @ [^\\]]+\\] mean_volume: (-?[\\d.]+|-inf) dB`).exec(r.stderr);
    levels.set(s.index, m && m[1] !== "-inf" ? Number(m[1]) : null);
  }
  return levels;
}

/** A child's time limit for work that decodes the whole file: 2 minutes plus 4x real time (slow disks, 2 cores). */
export function mediaTimeoutMs(durationSeconds: number): number {
  return 120_000 + Math.ceil(Math.max(0, durationSeconds) * 4_000);
}

export function toMediaInfo(probed: ProbedMedia): MediaInfo {
  // Cover art in an audio file is a "video" stream with attached_pic; it does not make the file a video.
  const video = probed.streams.find((s) => s.type === "video" && !s.attached_pic);
  const audios = probed.streams.filter((s) => s.type === "audio");
  const audio = audios[0];
  if (!video && !audio) throw new MediaError("The file has no audio or video stream.");
  const duration = probed.duration ?? video?.duration ?? audio?.duration ?? NaN;
  if (!Number.isFinite(duration) || duration <= 0) throw new MediaError("The file's duration could not be read: it is not playable media.");

  const info: MediaInfo = {
    media_type: video ? "video" : "audio",
    duration,
    has_video: Boolean(video),
    has_audio: Boolean(audio),
    frame_rate: null,
    start_timecode: null,
    format: probed.format,
    probe_reader: probed.reader,
    audio_streams: audios.map((s) => ({
      index: s.index,
      codec: s.codec,
      channels: s.channels ?? null,
      channel_layout: s.channel_layout ?? null,
      sample_rate: s.sample_rate ?? null,
      language: s.language ?? null,
    })),
    speech_stream: audio ? audio.index : null,
  };
  if (video) {
    const rate = pickFrameRate(video.r_frame_rate, video.avg_frame_rate);
    if (rate) {
      info.frame_rate = rate.num / rate.den;
      info.frame_rate_num = rate.num;
      info.frame_rate_den = rate.den;
    }
    if (video.width) info.width = video.width;
    if (video.height) info.height = video.height;
    info.video_stream = video.index;
    info.rotation = video.rotation ?? 0;
    if (video.display_width) info.display_width = video.display_width;
    if (video.display_height) info.display_height = video.display_height;
  }
  if (audio?.sample_rate) info.sample_rate = audio.sample_rate;
  const tc = video?.timecode ?? probed.timecode ?? probed.streams.find((s) => s.type === "data" && s.timecode)?.timecode;
  if (tc && /^\d{2}:\d{2}:\d{2}[:;.]\d{2,3}$/.test(tc)) info.start_timecode = tc;
  // A field recorder's WAV says where its clock stood as a sample count, not a timecode: exports turn it into
  // frames at whatever rate they are written at.
  else if (probed.time_reference && info.sample_rate) info.start_seconds = probed.time_reference / info.sample_rate;
  return info;
}

/**
 * Reads an upload: what it is (probe with the toolchain's readers, playlists refused) and, when it has more than
 * one audio stream, which of them carries speech.
 */
export async function probeMedia(path: string, signal?: AbortSignal): Promise<MediaInfo> {
  let probed: ProbedMedia;
  try {
    probed = await probeFile(path, { signal });
  } catch (err) {
    if (err instanceof MediaProbeError) throw new MediaError(err.message);
    throw err;
  }
  const info = toMediaInfo(probed);
  if ((info.audio_streams?.length ?? 0) > 1) {
    const levels = await measureSpeechStreams(path, info, signal);
    let best: { index: number; level: number } | null = null;
    for (const s of info.audio_streams ?? []) {
      const level = levels.get(s.index) ?? null;
      s.speech_level_db = level;
      if (level !== null && (best === null || level > best.level)) best = { index: s.index, level };
    }
    if (best) info.speech_stream = best.index;
  }
  if (info.speech_stream !== null) {
    const heard = info.audio_streams?.find((s) => s.index === info.speech_stream);
    if (heard?.sample_rate) info.sample_rate = heard.sample_rate;
  }
  return info;
}
