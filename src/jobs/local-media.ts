// The duration of a local media file, read with ffprobe before anything is uploaded: the API charges per
// source minute, and the cost must be stated (and confirmed) before it is spent. This reads the user's own
// file, not the backend, so it does not go through the client.

import { execFile } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function ffprobePath(): string {
  return process.env.FFPROBE_PATH ?? (require("@ffprobe-installer/ffprobe") as { path: string }).path;
}

/** Seconds of media in the file, or null when ffprobe cannot tell (not media, or no ffprobe). */
export function probeDurationSeconds(file: string, signal?: AbortSignal): Promise<number | null> {
  return new Promise((resolve) => {
    execFile(
      ffprobePath(),
      ["-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", file],
      { signal, timeout: 30_000 },
      (error, stdout) => {
        if (error) return resolve(null);
        const seconds = Number.parseFloat(String(stdout).trim());
        resolve(Number.isFinite(seconds) && seconds > 0 ? seconds : null);
      },
    );
  });
}

/** One credit per source minute, rounded up (the contract). */
export function creditsFor(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
