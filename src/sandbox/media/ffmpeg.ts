// The sandbox's view of the media toolchain (src/media-tools decides which ffmpeg and ffprobe run, and bounds
// every child process): the binaries, and how each step reads an upload as the format it was probed as.
import { describeToolchain, fileUrl, inputArgs, probeInputArgs, toolchain, type Tool } from "../../media-tools/index.js";
import type { MediaInfo } from "./types.js";

export { ProcessAbortedError, ProcessTimeoutError, runProcess, type RunResult } from "../../media-tools/index.js";

export function ffmpegBinary(): string {
  return toolchain().ffmpeg.path;
}

export function ffprobeBinary(): string {
  return toolchain().ffprobe.path;
}

/**
 * ffmpeg's input options for an asset: its probed demuxer forced, only the file protocol. An asset prepared
 * before formats were recorded has no `format`: it is read under the probe's demuxer whitelist instead, which
 * still refuses every playlist format.
 */
export function assetInput(file: string, info: MediaInfo): string[] {
  return info.format ? inputArgs(file, info.format) : [...probeInputArgs(), "-i", fileUrl(file)];
}

/** The audio stream the cut listens to, as an ffmpeg map of the input ("0:1"), or null without audio. */
export function speechMap(info: MediaInfo): string | null {
  if (!info.has_audio) return null;
  return info.speech_stream !== undefined && info.speech_stream !== null ? `0:${info.speech_stream}` : "0:a:0";
}

/** Input and map options that read only the speech stream of a probed asset (the probe's whitelist without one). */
export function speechInput(file: string, info: MediaInfo | undefined): string[] {
  if (!info) return [...probeInputArgs(), "-i", fileUrl(file)];
  return [...assetInput(file, info), "-map", speechMap(info) ?? "0:a:0"];
}

/** The toolchain for logs and `GET /sandbox/status`: each binary's path, version and why it was chosen. */
export function mediaToolsStatus(): { ffmpeg: Tool; ffprobe: Tool; notes: string[] } | { error: string } {
  try {
    return describeToolchain();
  } catch (err) {
    return { error: (err as Error).message };
  }
}
