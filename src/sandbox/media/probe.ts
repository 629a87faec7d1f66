// Reads what an uploaded file is (video or audio, duration, exact frame rate, size, sample rate, start
// timecode) with ffprobe, so that preparation can charge per minute, and exports and renders can work in the
// source's own frames. A file ffprobe cannot read, or one without an audio or video stream, is not media.
import { ffprobeBinary, runProcess } from "./ffmpeg.js";
import type { MediaInfo } from "./types.js";

export class MediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaError";
  }
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: string;
  duration?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string; format_name?: string; tags?: Record<string, string> };
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

export async function probeMedia(path: string, signal?: AbortSignal): Promise<MediaInfo> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path];
  const result = await runProcess(ffprobeBinary(), args, { signal });
  if (result.code !== 0) {
    const why = result.stderr.trim().split("\n").pop() ?? "";
    throw new MediaError(`The file is not a readable audio or video file${why ? ` (${why.replace(/^.*?: /, "")})` : ""}.`);
  }
  let out: ProbeOutput;
  try {
    out = JSON.parse(result.stdout) as ProbeOutput;
  } catch {
    throw new MediaError("The file is not a readable audio or video file.");
  }
  const streams = out.streams ?? [];
  // Cover art in an audio file is a "video" stream with attached_pic; it does not make the file a video.
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === "audio");
  if (!video && !audio) throw new MediaError("The file has no audio or video stream.");
  const duration = Number(out.format?.duration ?? video?.duration ?? audio?.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) throw new MediaError("The file's duration could not be read: it is not playable media.");

  const info: MediaInfo = {
    media_type: video ? "video" : "audio",
    duration,
    has_video: Boolean(video),
    has_audio: Boolean(audio),
    frame_rate: null,
    start_timecode: null,
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
    // ffprobe gives the display matrix's turn counter-clockwise; the older `rotate` tag gives it clockwise.
    const matrix = video.side_data_list?.find((d) => d.side_data_type === "Display Matrix" && typeof d.rotation === "number");
    const turn = matrix ? -(matrix.rotation as number) : Number(video.tags?.rotate ?? 0);
    info.rotation = Number.isFinite(turn) ? (((Math.round(turn / 90) * 90) % 360) + 360) % 360 : 0;
    const swap = info.rotation === 90 || info.rotation === 270;
    if (info.width && info.height) [info.display_width, info.display_height] = swap ? [info.height, info.width] : [info.width, info.height];
  }
  const channels = streams.filter((s) => s.codec_type === "audio").map((s) => (s.channels && s.channels > 0 ? s.channels : 1));
  if (channels.length > 0) info.audio_channels = channels;
  if (audio?.sample_rate) {
    const sr = Number(audio.sample_rate);
    if (Number.isFinite(sr) && sr > 0) info.sample_rate = sr;
  }
  const tc = video?.tags?.timecode ?? out.format?.tags?.timecode ?? streams.find((s) => s.codec_type === "data" && s.tags?.timecode)?.tags?.timecode;
  if (tc && /^\d{2}:\d{2}:\d{2}[:;.]\d{2,3}$/.test(tc)) info.start_timecode = tc;
  return info;
}
