// Reads a local media file's duration and kind with ffprobe, so that estimate_cost and the upload's cost
// confirmation can state the price before anything is spent (the API charges per source minute, rounded up).

import { MediaProbeError, ProcessAbortedError, probeFile } from "../media-tools/index.js";
import { ToolError } from "../vocabulary/errors.js";

export type LocalMediaInfo = {
  duration_seconds: number;
  media_type: "video" | "audio";
  size_bytes: number;
};

/** One credit per started source minute, as the API charges. */
export function creditsFor(durationSeconds: number): number {
  return Math.max(1, Math.ceil(durationSeconds / 60 - 1e-9));
}

/**
 * Probes with the same toolchain and demuxer whitelist as the sandbox, so a file priced here is read the same
 * way there, and a playlist is refused before anything is uploaded or charged.
 */
export async function probeLocal(realPath: string, argument: string, signal?: AbortSignal): Promise<LocalMediaInfo> {
  let probed;
  try {
    probed = await probeFile(realPath, { signal });
  } catch (error) {
    if (error instanceof MediaProbeError) throw new ToolError(`${argument}: ${error.message} Nothing was uploaded or charged.`);
    if (error instanceof ProcessAbortedError) {
      const abort = new Error("The operation was aborted");
      abort.name = "AbortError";
      throw abort;
    }
    throw new ToolError(`${argument}: the media tools could not run (${(error as Error).message}).`);
  }
  const streams = probed.streams;
  // Cover art is a video stream too; it does not make an audio file a video.
  const hasVideo = streams.some((s) => s.type === "video" && !s.attached_pic);
  const hasAudio = streams.some((s) => s.type === "audio");
  if (!hasVideo && !hasAudio) throw new ToolError(`${argument}: the file has no audio or video stream.`);
  // The container's duration is what the service measures; stream durations are the fallback.
  const streamDurations = streams.map((s) => s.duration ?? NaN).filter((n) => Number.isFinite(n) && n > 0);
  const duration = probed.duration ?? (streamDurations.length > 0 ? Math.max(...streamDurations) : NaN);
  if (!Number.isFinite(duration)) throw new ToolError(`${argument}: the media's duration is unknown (a stream or a damaged file?).`);
  return { duration_seconds: duration, media_type: hasVideo ? "video" : "audio", size_bytes: probed.size_bytes ?? 0 };
}
