// Reads a local media file's duration and kind with ffprobe, so that estimate_cost and the upload's cost
// confirmation can state the price before anything is spent (the API charges per source minute, rounded up).

import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { ToolError } from "../vocabulary/errors.js";

const require = createRequire(import.meta.url);
let ffprobePath: string | undefined;

function ffprobe(): string {
  // Resolved on first use: the installer package walks the file system, which must not delay start-up.
  ffprobePath ??= process.env.FFPROBE_PATH ?? (require("@ffprobe-installer/ffprobe") as { path: string }).path;
  return ffprobePath;
}

export type LocalMediaInfo = {
  duration_seconds: number;
  media_type: "video" | "audio";
  size_bytes: number;
};

/** One credit per started source minute, as the API charges. */
export function creditsFor(durationSeconds: number): number {
  return Math.max(1, Math.ceil(durationSeconds / 60 - 1e-9));
}

export async function probeLocal(realPath: string, argument: string, signal?: AbortSignal): Promise<LocalMediaInfo> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", realPath];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(ffprobe(), args, { signal, maxBuffer: 8 * 1024 * 1024, timeout: 60_000 }, (error, out) => {
      if (error) reject(error);
      else resolve(out);
    });
  }).catch((error: unknown) => {
    if ((error as { name?: string }).name === "AbortError") throw error;
    throw new ToolError(`${argument}: ffprobe could not read this file as media; give a video or audio file.`);
  });
  let parsed: { format?: { duration?: string; size?: string }; streams?: { codec_type?: string; duration?: string; disposition?: { attached_pic?: number } }[] };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new ToolError(`${argument}: ffprobe gave no readable answer for this file.`);
  }
  const streams = parsed.streams ?? [];
  // Cover art is a video stream too; it does not make an audio file a video.
  const hasVideo = streams.some((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const hasAudio = streams.some((s) => s.codec_type === "audio");
  if (!hasVideo && !hasAudio) throw new ToolError(`${argument}: the file has no audio or video stream.`);
  // The container's duration is what the service measures; stream durations are the fallback.
  const formatDuration = Number(parsed.format?.duration);
  const streamDurations = streams.map((s) => Number(s.duration)).filter((n) => Number.isFinite(n) && n > 0);
  const duration = Number.isFinite(formatDuration) && formatDuration > 0 ? formatDuration : streamDurations.length > 0 ? Math.max(...streamDurations) : NaN;
  if (!Number.isFinite(duration)) throw new ToolError(`${argument}: the media's duration is unknown (a stream or a damaged file?).`);
  return { duration_seconds: duration, media_type: hasVideo ? "video" : "audio", size_bytes: Number(parsed.format?.size ?? 0) };
}
