// Renders: flattens a source through the kept segments of a cut (or whole) into mp4, mov, m4a or mp3 with
// ffmpeg. Everything happens in one filter graph (trim/atrim per segment, then concat), so each segment's audio
// and video start together at every join; segment boundaries are snapped to the cut's grid first (cut-grid.ts:
// video frames, or 25 fps frames for audio-only media), the grid the exports and subtitles use, so that the audio
// is cut at exactly the instant the video is and the output lasts exactly the kept frames.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { ProcessAbortedError, ProcessTimeoutError, assetInput, ffmpegBinary, runProcess } from "./ffmpeg.js";
import { cutGrid, snapCut } from "./cut-grid.js";
import { mediaTimeoutMs } from "./probe.js";
import type { MediaInfo, Segment } from "./types.js";

export type RenderOutput = "mp4" | "mov" | "m4a" | "mp3";
export const RENDER_OUTPUTS: readonly RenderOutput[] = ["mp4", "mov", "m4a", "mp3"];

export type RenderErrorCode = "unsupported_output" | "no_segments" | "ffmpeg_failed" | "timeout";

/** ffmpeg reports progress twice a second; this long without a word means it is stuck on a read. */
const RENDER_STALL_MS = 120_000;

/** `message` is safe to show API users (no paths on disk); `detail` is ffmpeg's own words, for logs. */
export class RenderError extends Error {
  constructor(
    readonly code: RenderErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "RenderError";
  }
}

export class RenderAbortedError extends Error {
  constructor() {
    super("render canceled");
    this.name = "RenderAbortedError";
  }
}

export interface RenderOptions {
  input: string;
  info: MediaInfo;
  segments: Segment[] | null;
  output: RenderOutput;
  outPath: string;
  onProgress?: (pct: number) => void;
  signal?: AbortSignal;
}

const VIDEO_OUTPUTS = new Set<RenderOutput>(["mp4", "mov"]);

/**
 * Why `output` cannot be made from this media, or null. An audio-only source is not rendered to a video
 * container (no black or still picture is invented): the API answers 422 on `body.output` instead, which tells
 * an agent plainly to pick m4a or mp3.
 */
export function renderOutputProblem(info: MediaInfo, output: string): string | null {
  if (!(RENDER_OUTPUTS as readonly string[]).includes(output)) return `output must be one of ${RENDER_OUTPUTS.join(", ")}`;
  if (VIDEO_OUTPUTS.has(output as RenderOutput) && !info.has_video) {
    return `This asset is audio-only, so it cannot be rendered to ${output}; choose m4a or mp3.`;
  }
  if (!VIDEO_OUTPUTS.has(output as RenderOutput) && !info.has_audio) {
    return `This asset has no audio track, so it cannot be rendered to ${output}; choose mp4 or mov.`;
  }
  return null;
}

interface Span {
  /** In frames of the cut's grid. */
  from: number;
  to: number;
}

/** The kept spans in record order, on the cut's grid: the very events the exports write (cut-grid.ts). */
function cutSpans(info: MediaInfo, segments: Segment[]): Span[] {
  return snapCut(segments, cutGrid(info), info.duration).map((f) => ({ from: f.srcIn, to: f.srcOut }));
}

/** The output's duration in seconds: the sum of the snapped kept segments, or the source's. */
export function renderedDuration(info: MediaInfo, segments: Segment[] | null): number {
  if (segments === null) return info.duration;
  const { num, den } = cutGrid(info);
  return cutSpans(info, segments).reduce((sum, s) => sum + ((s.to - s.from) * den) / num, 0);
}

const sec = (units: number, grid: { num: number; den: number }) => ((units * grid.den) / grid.num).toFixed(9);

/** The source's audio streams as filter inputs, in container order (an old record without a stream list: the first). */
function audioRefs(info: MediaInfo): string[] {
  const streams = info.audio_streams ?? [];
  return streams.length > 0 ? streams.map((s) => `[0:${s.index}]`) : ["[0:a:0]"];
}

/**
 * One graph for the whole render. Video keeps frames `from`..`to-1` exactly: its trim window is offset by half
 * a frame, so float rounding of a frame's timestamp cannot include or drop a boundary frame. Audio is cut at
 * the exact frame instants, sample-accurate. Each segment restarts at 0 and concat lays them end to end,
 * padding the shorter stream of a segment, so a join can never shift audio against video.
 * Audio: a video output keeps every source audio stream as its own track (`[aout0]`, `[aout1]`, ...); an audio
 * output has room for one, so several streams are mixed at their own levels (amix divides by the input count;
 * volume puts it back), and nothing the source carried is dropped.
 */
function buildGraph(info: MediaInfo, spans: Span[] | null, video: boolean, audio: boolean): { graph: string; audioOutputs: number } {
  const grid = cutGrid(info);
  const parts: string[] = [];
  const vSrc = info.video_stream !== undefined ? `[0:${info.video_stream}]` : "[0:v:0]";
  let aSrc = audio ? audioRefs(info) : [];
  if (!video && aSrc.length > 1) {
    parts.push(`${aSrc.join("")}amix=inputs=${aSrc.length}:duration=longest:dropout_transition=0,volume=${aSrc.length}[amix]`);
    aSrc = ["[amix]"];
  }
  const k = aSrc.length;
  // libx264 with yuv420p needs even dimensions.
  const vOut = "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p";
  if (spans === null) {
    // No timestamp reset: ffmpeg already starts the file at 0, and resetting each stream on its own would
    // shift a stream that starts later than the other.
    if (video) parts.push(`${vSrc}${vOut}[vout]`);
    aSrc.forEach((src, j) => parts.push(`${src}anull[aout${j}]`));
    return { graph: parts.join(";\n"), audioOutputs: k };
  }
  const n = spans.length;
  const fan = (src: string, filter: string, label: (i: number) => string) => parts.push(n > 1 ? `${src}${filter}=${n}${spans.map((_, i) => `[${label(i)}]`).join("")}` : `${src}${filter === "split" ? "null" : "anull"}[${label(0)}]`);
  if (video) fan(vSrc, "split", (i) => `vs${i}`);
  aSrc.forEach((src, j) => fan(src, "asplit", (i) => `as${j}_${i}`));
  spans.forEach((s, i) => {
    // Both streams are shifted by the segment's own start (not each stream's first timestamp), so a stream
    // that begins late in the source keeps its offset.
    const origin = sec(s.from, grid);
    if (video) {
      const start = Math.max(0, s.from - 0.5);
      parts.push(`[vs${i}]trim=start=${sec(start, grid)}:end=${sec(s.to - 0.5, grid)},setpts=PTS-${origin}/TB[v${i}]`);
    }
    for (let j = 0; j < k; j++) parts.push(`[as${j}_${i}]atrim=start=${origin}:end=${sec(s.to, grid)},asetpts=PTS-${origin}/TB[a${j}_${i}]`);
  });
  const inputs = spans.map((_, i) => `${video ? `[v${i}]` : ""}${aSrc.map((_, j) => `[a${j}_${i}]`).join("")}`).join("");
  const outs = aSrc.map((_, j) => `[aout${j}]`).join("");
  if (video) {
    parts.push(`${inputs}concat=n=${n}:v=1:a=${k}[vcat]${outs}`);
    parts.push(`[vcat]${vOut}[vout]`);
  } else {
    parts.push(`${inputs}concat=n=${n}:v=0:a=${k}${outs}`);
  }
  return { graph: parts.join(";\n"), audioOutputs: k };
}

function codecArgs(info: MediaInfo, output: RenderOutput, audioOutputs: number): string[] {
  const aac = ["-c:a", "aac", "-b:a", "128k"];
  const audioMaps = Array.from({ length: audioOutputs }, (_, j) => ["-map", `[aout${j}]`]).flat();
  switch (output) {
    case "mp4":
    case "mov": {
      // veryfast: a sandbox render should be quick; quality is not what it demonstrates.
      const grid = cutGrid(info);
      const args = ["-map", "[vout]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"];
      // Constant frame rate at the source's exact rate: concat's timestamps are already on that grid, so no
      // frame is duplicated or dropped.
      args.push("-r", `${grid.num}/${grid.den}`);
      if (audioOutputs > 0) {
        args.push(...audioMaps, ...aac);
        // Players start the default track: the one the cut listened to.
        const heard = Math.max(0, (info.audio_streams ?? []).findIndex((s) => s.index === info.speech_stream));
        for (let j = 0; j < audioOutputs; j++) args.push(`-disposition:a:${j}`, j === heard ? "default" : "0");
      }
      if (output === "mp4") args.push("-movflags", "+faststart", "-f", "mp4");
      else args.push("-f", "mov");
      return args;
    }
    case "m4a":
      return [...audioMaps, "-vn", ...aac, "-movflags", "+faststart", "-f", "ipod"];
    case "mp3":
      return [...audioMaps, "-vn", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"];
  }
}

/**
 * Renders to `outPath` through a temp file beside it, renamed on success. Progress is ffmpeg's own
 * `-progress` output time against the expected duration, monotonic, 100 only once the file is in place.
 * An abort kills ffmpeg, removes the partial file and rejects with RenderAbortedError.
 */
export async function renderMedia(opts: RenderOptions): Promise<void> {
  const { info, output, outPath, signal } = opts;
  const problem = renderOutputProblem(info, output);
  if (problem) throw new RenderError("unsupported_output", problem);
  if (signal?.aborted) throw new RenderAbortedError();

  const video = VIDEO_OUTPUTS.has(output);
  const audio = info.has_audio;
  const spans = opts.segments === null ? null : cutSpans(info, opts.segments);
  if (spans !== null && spans.length === 0) throw new RenderError("no_segments", "the cut keeps nothing of the source");
  const expected = renderedDuration(info, opts.segments);

  const dir = path.dirname(outPath);
  const tag = randomBytes(6).toString("hex");
  const tmpPath = path.join(dir, `.${path.basename(outPath)}.${tag}.part`);
  const graphPath = path.join(dir, `.${path.basename(outPath)}.${tag}.graph`);
  const { graph, audioOutputs } = buildGraph(info, spans, video, audio);
  await fs.writeFile(graphPath, graph);

  let reported = -1;
  const report = (pct: number) => {
    if (pct > reported) {
      reported = pct;
      opts.onProgress?.(pct);
    }
  };
  report(0);

  const args = [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y",
    ...assetInput(opts.input, info),
    "-filter_complex_script", graphPath,
    ...codecArgs(info, output, audioOutputs),
    "-map_metadata", "-1",
    "-progress", "pipe:1",
    tmpPath,
  ];
  try {
    let result;
    try {
      result = await runProcess(ffmpegBinary(), args, {
        signal,
        // A render that stops making progress (a read that never returns) or runs far past real time is killed.
        timeoutMs: mediaTimeoutMs(info.duration),
        stallMs: RENDER_STALL_MS,
        onStdoutLine: (line) => {
          // ffmpeg 4.x names microseconds `out_time_ms` (a long-standing misnomer); newer builds add out_time_us.
          const m = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
          if (m && expected > 0) report(Math.min(99, Math.floor((Number(m[1]) / 1e6 / expected) * 100)));
        },
      });
    } catch (err) {
      if (err instanceof ProcessAbortedError) throw new RenderAbortedError();
      if (err instanceof ProcessTimeoutError) throw new RenderError("timeout", `The render was stopped: ${err.message.replace(/^\S+ /, "ffmpeg ")}. Try again; if it happens again, the source file may be damaged.`);
      throw err;
    }
    if (result.code !== 0) {
      const detail = result.stderr.trim().split("\n").slice(-5).join(" | ");
      // The render's error_message reaches API users: name the files by role, never by their path on disk.
      const last = (result.stderr.trim().split("\n").pop() ?? "")
        .split(`file:${opts.input}`).join("the source")
        .split(opts.input).join("the source")
        .split(tmpPath).join("the output")
        .split(graphPath).join("the filter graph")
        .replace(/(^|\s)\/\S+/g, "$1<path>");
      throw new RenderError("ffmpeg_failed", `The media could not be rendered (ffmpeg exited with ${result.code}${last ? `: ${last}` : ""}).`, detail);
    }
    if (signal?.aborted) throw new RenderAbortedError();
    await fs.rename(tmpPath, outPath);
  } catch (err) {
    await fs.rm(tmpPath, { force: true });
    throw err;
  } finally {
    await fs.rm(graphPath, { force: true });
  }
  report(100);
}
