// Where the ffmpeg and ffprobe binaries are, and one way to run them. The binaries come from npm packages
// (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe) so that `npm ci` is the whole install;
// FFMPEG_PATH / FFPROBE_PATH override them.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

let ffmpegPath: string | undefined;
let ffprobePath: string | undefined;

export function ffmpegBinary(): string {
  ffmpegPath ??= process.env.FFMPEG_PATH ?? (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  return ffmpegPath;
}

export function ffprobeBinary(): string {
  ffprobePath ??= process.env.FFPROBE_PATH ?? (require("@ffprobe-installer/ffprobe") as { path: string }).path;
  return ffprobePath;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class ProcessAbortedError extends Error {
  constructor() {
    super("process aborted");
    this.name = "ProcessAbortedError";
  }
}

/**
 * Runs a binary to completion, collecting its output. An abort signal kills the process (SIGKILL:
 * ffmpeg ignores a polite stop while it waits on I/O) and rejects with ProcessAbortedError.
 */
export function runProcess(
  bin: string,
  args: string[],
  opts: { signal?: AbortSignal; onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void; maxOutputBytes?: number } = {},
): Promise<RunResult> {
  const maxBytes = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ProcessAbortedError());
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let outPartial = "";
    let errPartial = "";
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < maxBytes) stdout += chunk;
      if (opts.onStdoutLine) {
        const lines = (outPartial + chunk).split("\n");
        outPartial = lines.pop() ?? "";
        for (const l of lines) opts.onStdoutLine(l);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < maxBytes) stderr += chunk;
      if (opts.onStderrLine) {
        const lines = (errPartial + chunk).split("\n");
        errPartial = lines.pop() ?? "";
        for (const l of lines) opts.onStderrLine(l);
      }
    });
    child.on("error", (err) => {
      opts.signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    child.on("close", (code) => {
      opts.signal?.removeEventListener("abort", onAbort);
      if (opts.signal?.aborted) return reject(new ProcessAbortedError());
      resolve({ code, stdout, stderr });
    });
  });
}
