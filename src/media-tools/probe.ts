// Reads what a media file holds (container, duration, every stream) with the chosen toolchain. Readers are
// tried in turn: ffprobe's JSON, then `ffmpeg -i`'s listing when ffprobe crashes, hangs or fails (the bundled
// ffprobe 5.2 dies with SIGSEGV on every MPEG-TS file; the bundled ffmpeg reads them). Both readers only accept
// recorded-media demuxers (formats.ts), so a playlist is refused before it can open anything it names.
import { MEDIA_DEMUXERS, fileUrl, isMediaDemuxer, probeInputArgs, referencingKind } from "./formats.js";
import { ProcessAbortedError, ProcessTimeoutError, runProcess } from "./run.js";
import { toolchain, type Toolchain } from "./toolchain.js";

export interface ProbedStream {
  /** The stream's index in the container (what `-map 0:N` names). */
  index: number;
  type: "video" | "audio" | "subtitle" | "data" | "attachment" | "unknown";
  codec: string | null;
  /** Cover art: a picture, not a video track. */
  attached_pic: boolean;
  width?: number;
  height?: number;
  /** Clockwise display rotation in degrees (0, 90, 180, 270), from the display matrix or the `rotate` tag. */
  rotation?: number;
  /** Width and height as the picture is shown, after rotation. */
  display_width?: number;
  display_height?: number;
  /** Exact rates as "num/den". */
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: number;
  channels?: number;
  channel_layout?: string;
  bits_per_sample?: number;
  duration?: number;
  timecode?: string;
  language?: string;
  title?: string;
  default?: boolean;
}

export interface ProbedMedia {
  /** ffmpeg's format_name ("mov,mp4,m4a,3gp,3g2,mj2"); inputArgs() forces its first name. */
  format: string;
  format_long: string | null;
  duration: number | null;
  size_bytes: number | null;
  timecode: string | null;
  /** BWF (bext) time_reference: the recorder's clock at the first sample, in samples since midnight. */
  time_reference?: number;
  streams: ProbedStream[];
  /** Which reader answered, and what was tried before it. */
  reader: "ffprobe" | "ffmpeg";
  tried: string[];
}

export type ProbeFailure = "unreadable" | "referencing" | "unsupported_format" | "timeout";

/** Why no reader could open a file. `message` names no path and says what was tried; safe to show. */
export class MediaProbeError extends Error {
  constructor(
    readonly kind: ProbeFailure,
    message: string,
    readonly tried: string[],
  ) {
    super(message);
    this.name = "MediaProbeError";
  }
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Per reader; default 60 s (ffprobe reads a few MB; a minute means the file or the disk is stuck). */
  timeoutMs?: number;
  tools?: Toolchain;
}

// ---------------------------------------------------------------- ffprobe JSON

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  bits_per_sample?: number;
  bits_per_raw_sample?: string;
  duration?: string;
  disposition?: { attached_pic?: number; default?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface RawOutput {
  streams?: RawStream[];
  format?: { format_name?: string; format_long_name?: string; duration?: string; size?: string; tags?: Record<string, string> };
}

const STREAM_TYPES = new Set(["video", "audio", "subtitle", "data", "attachment"]);

/** Normalises a display-matrix angle (counter-clockwise, -90) or a rotate tag (clockwise, "90") to 0/90/180/270 clockwise. */
export function clockwise(degrees: number, fromDisplayMatrix: boolean): number {
  const cw = fromDisplayMatrix ? -degrees : degrees;
  return (((Math.round(cw / 90) * 90) % 360) + 360) % 360;
}

function finish(s: ProbedStream): ProbedStream {
  if (s.type === "video" && s.width && s.height) {
    const turned = s.rotation === 90 || s.rotation === 270;
    s.display_width = turned ? s.height : s.width;
    s.display_height = turned ? s.width : s.height;
  }
  return s;
}

function positive(n: unknown): number | undefined {
  const v = Number(n);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export function parseFfprobeJson(json: string): Omit<ProbedMedia, "reader" | "tried"> {
  const out = JSON.parse(json) as RawOutput;
  const streams = (out.streams ?? []).map((raw, i): ProbedStream => {
    const type = STREAM_TYPES.has(raw.codec_type ?? "") ? (raw.codec_type as ProbedStream["type"]) : "unknown";
    const s: ProbedStream = { index: raw.index ?? i, type, codec: raw.codec_name ?? null, attached_pic: raw.disposition?.attached_pic === 1 };
    if (raw.disposition?.default !== undefined) s.default = raw.disposition.default === 1;
    if (type === "video") {
      if (raw.width) s.width = raw.width;
      if (raw.height) s.height = raw.height;
      if (raw.r_frame_rate) s.r_frame_rate = raw.r_frame_rate;
      if (raw.avg_frame_rate) s.avg_frame_rate = raw.avg_frame_rate;
      const matrix = raw.side_data_list?.find((d) => d.side_data_type === "Display Matrix" && typeof d.rotation === "number");
      const tag = raw.tags?.rotate;
      if (matrix) s.rotation = clockwise(matrix.rotation as number, true);
      else if (tag !== undefined && Number.isFinite(Number(tag))) s.rotation = clockwise(Number(tag), false);
    }
    if (type === "audio") {
      const sr = positive(raw.sample_rate);
      if (sr) s.sample_rate = sr;
      if (raw.channels) s.channels = raw.channels;
      if (raw.channel_layout) s.channel_layout = raw.channel_layout;
      const bits = positive(raw.bits_per_sample) ?? positive(raw.bits_per_raw_sample);
      if (bits) s.bits_per_sample = bits;
    }
    const d = positive(raw.duration);
    if (d) s.duration = d;
    if (raw.tags?.timecode) s.timecode = raw.tags.timecode;
    if (raw.tags?.language) s.language = raw.tags.language;
    if (raw.tags?.title) s.title = raw.tags.title;
    return finish(s);
  });
  return {
    format: out.format?.format_name ?? "",
    format_long: out.format?.format_long_name ?? null,
    duration: positive(out.format?.duration) ?? null,
    size_bytes: positive(out.format?.size) ?? null,
    timecode: out.format?.tags?.timecode ?? null,
    ...(positive(out.format?.tags?.time_reference) ? { time_reference: positive(out.format?.tags?.time_reference) } : {}),
    streams,
  };
}

// ---------------------------------------------------------------- ffmpeg -i listing

const COMMON_RATES: Record<string, string> = { "23.98": "24000/1001", "29.97": "30000/1001", "59.94": "60000/1001", "47.95": "48000/1001", "119.88": "120000/1001" };

function rateFraction(text: string): string | undefined {
  const m = /^(\d+(?:\.\d+)?)(k?)$/.exec(text);
  if (!m) return undefined;
  if (COMMON_RATES[m[1] as string]) return COMMON_RATES[m[1] as string];
  const v = Number(m[1]) * (m[2] ? 1000 : 1);
  if (!(v > 0)) return undefined;
  return Number.isInteger(v) ? `${v}/1` : `${Math.round(v * 1000)}/1000`;
}

const LAYOUT_CHANNELS: Record<string, number> = { mono: 1, stereo: 2, "2.1": 3, "3.0": 3, quad: 4, "4.0": 4, "4.1": 5, "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8 };

function channelsOf(layout: string): number | undefined {
  const n = /^(\d+) channels/.exec(layout);
  if (n) return Number(n[1]);
  return LAYOUT_CHANNELS[layout.replace(/\(.*\)$/, "")];
}

function seconds(hms: string): number | null {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(hms);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

/** Parses the "Input #0" listing `ffmpeg -i` prints (the fallback reader; ffmpeg 4.1 to 7.x wording). */
export function parseFfmpegListing(stderr: string): Omit<ProbedMedia, "reader" | "tried"> | null {
  const lines = stderr.split("\n");
  const start = lines.findIndex((l) => /^Input #0, /.test(l));
  if (start < 0) return null;
  const format = /^Input #0, (.+?), from '/.exec(lines[start] as string)?.[1] ?? "";
  const result: Omit<ProbedMedia, "reader" | "tried"> = { format, format_long: null, duration: null, size_bytes: null, timecode: null, streams: [] };
  let current: ProbedStream | null = null;
  for (const line of lines.slice(start + 1)) {
    if (/^\[/.test(line)) continue; // a demuxer's warning in the middle of the listing
    if (/^\S/.test(line)) break; // the next top-level block (Output, a message)
    const dur = /^\s+Duration: (\S+?),/.exec(line);
    if (dur) {
      result.duration = seconds(dur[1] as string);
      continue;
    }
    const st = /^\s+Stream #0:(\d+)(?:\[0x[0-9a-f]+\])?(?:\(([a-z]{2,3})\))?: (Video|Audio|Subtitle|Data|Attachment): (.*)$/.exec(line);
    if (st) {
      if (current) result.streams.push(finish(current));
      const type = (st[3] as string).toLowerCase() as ProbedStream["type"];
      const rest = st[4] as string;
      current = { index: Number(st[1]), type, codec: /^([\w-]+)/.exec(rest)?.[1] ?? null, attached_pic: /\(attached pic\)/.test(rest) };
      if (st[2] && st[2] !== "und") current.language = st[2];
      if (/\(default\)/.test(rest)) current.default = true;
      if (type === "video") {
        const size = /, (\d{2,5})x(\d{2,5})/.exec(rest);
        if (size) {
          current.width = Number(size[1]);
          current.height = Number(size[2]);
        }
        const fps = /, ([\d.]+k?) fps/.exec(rest);
        const tbr = /, ([\d.]+k?) tbr/.exec(rest);
        const avg = fps ? rateFraction(fps[1] as string) : undefined;
        const r = tbr ? rateFraction(tbr[1] as string) : undefined;
        if (r ?? avg) current.r_frame_rate = (r ?? avg) as string;
        if (avg) current.avg_frame_rate = avg;
      }
      if (type === "audio") {
        const audio = /, (\d+) Hz, ([^,]+)/.exec(rest);
        if (audio) {
          current.sample_rate = Number(audio[1]);
          current.channel_layout = (audio[2] as string).trim();
          const ch = channelsOf(current.channel_layout);
          if (ch) current.channels = ch;
        }
        const bits = /, (?:s|u)(\d+)(?:p)?(?: \((\d+) bit\))?/.exec(rest);
        if (bits) current.bits_per_sample = Number(bits[2] ?? bits[1]);
      }
      continue;
    }
    const rot = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(line);
    if (rot && current) {
      current.rotation = clockwise(Number(rot[1]), true);
      continue;
    }
    const rotate = /^\s+rotate\s+: (-?\d+)/.exec(line);
    if (rotate && current && current.rotation === undefined) {
      current.rotation = clockwise(Number(rotate[1]), false);
      continue;
    }
    const tc = /^\s+timecode\s+: (\S+)/.exec(line);
    if (tc) {
      if (current) current.timecode = tc[1];
      else result.timecode = tc[1] as string;
    }
  }
  if (current) result.streams.push(finish(current));
  return result;
}

// ---------------------------------------------------------------- readers

/** The demuxer ffmpeg refused because it is not on the whitelist ("[hls @ 0x...] Format not on whitelist"). */
function refusedFormat(stderr: string): string | null {
  return /\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist/.exec(stderr)?.[1] ?? null;
}

function lastLine(stderr: string, file: string): string {
  const line = stderr.trim().split("\n").filter((l) => l && !l.startsWith("Not detecting")).pop() ?? "";
  return line.split(fileUrl(file)).join("the file").split(file).join("the file").replace(/^\[[^\]]+\] /, "");
}

function refusal(format: string, tried: string[]): MediaProbeError {
  const kind = referencingKind(format);
  if (kind) {
    return new MediaProbeError("referencing", `The file is ${kind}, not a recording: playlists and lists of other files are not accepted. Upload the media file itself (for HLS, the recording the segments were cut from).`, tried);
  }
  return new MediaProbeError("unsupported_format", `The file's format (${format}) is not a supported audio or video container. Convert it to mp4, mov, mkv, mxf, wav or mp3 and try again.`, tried);
}

/**
 * Probes `file` with each reader in turn. Throws MediaProbeError when none can open it (the message lists what
 * was tried), ProcessAbortedError when `signal` fires.
 */
export async function probeFile(file: string, opts: ProbeOptions = {}): Promise<ProbedMedia> {
  const tools = opts.tools ?? toolchain();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const tried: string[] = [];
  let timedOut = false;

  const ffprobeName = `ffprobe ${tools.ffprobe.version}`;
  try {
    const r = await runProcess(
      tools.ffprobe.path,
      ["-v", "error", ...probeInputArgs(), "-print_format", "json", "-show_format", "-show_streams", fileUrl(file)],
      { signal: opts.signal, timeoutMs },
    );
    const refused = refusedFormat(r.stderr);
    if (refused) throw refusal(refused, [`${ffprobeName}: format ${refused} refused`]);
    if (r.signal) tried.push(`${ffprobeName}: crashed (${r.signal})`);
    else if (r.code !== 0) tried.push(`${ffprobeName}: ${lastLine(r.stderr, file) || `exit code ${r.code}`}`);
    else {
      try {
        const parsed = parseFfprobeJson(r.stdout);
        if (parsed.format && isMediaDemuxer(parsed.format)) return { ...parsed, reader: "ffprobe", tried };
        tried.push(`${ffprobeName}: no container format in its answer`);
      } catch {
        tried.push(`${ffprobeName}: an answer that is not JSON`);
      }
    }
  } catch (err) {
    if (err instanceof ProcessTimeoutError) {
      timedOut = true;
      tried.push(`${ffprobeName}: no answer within ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s`);
    } else if (err instanceof MediaProbeError || err instanceof ProcessAbortedError) throw err;
    else tried.push(`${ffprobeName}: did not start (${(err as Error).message})`);
  }

  const ffmpegName = `ffmpeg ${tools.ffmpeg.version} -i`;
  try {
    // Without an output ffmpeg lists the input and exits 1 ("At least one output file must be specified").
    const r = await runProcess(tools.ffmpeg.path, ["-hide_banner", "-nostdin", ...probeInputArgs(), "-i", fileUrl(file)], { signal: opts.signal, timeoutMs });
    const refused = refusedFormat(r.stderr);
    if (refused) throw refusal(refused, [...tried, `${ffmpegName}: format ${refused} refused`]);
    const parsed = r.signal ? null : parseFfmpegListing(r.stderr);
    if (parsed && parsed.format && isMediaDemuxer(parsed.format)) return { ...parsed, reader: "ffmpeg", tried };
    tried.push(`${ffmpegName}: ${r.signal ? `crashed (${r.signal})` : lastLine(r.stderr, file) || "no listing"}`);
  } catch (err) {
    if (err instanceof ProcessTimeoutError) {
      timedOut = true;
      tried.push(`${ffmpegName}: no answer within ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s`);
    } else if (err instanceof MediaProbeError || err instanceof ProcessAbortedError) throw err;
    else tried.push(`${ffmpegName}: did not start (${(err as Error).message})`);
  }

  const what = tried.join("; ");
  if (timedOut) {
    throw new MediaProbeError("timeout", `The file could not be read in time (${what}). If it is on a slow or network disk, copy it to a local disk; if it is still being written, wait until it is complete.`, tried);
  }
  throw new MediaProbeError(
    "unreadable",
    `No reader could open the file as audio or video (tried ${what}). Check that it is a complete recording in a common format (${MEDIA_DEMUXERS.slice(0, 8).join(", ")}, ...), or set FFMPEG_PATH/FFPROBE_PATH to a newer ffmpeg.`,
    tried,
  );
}
