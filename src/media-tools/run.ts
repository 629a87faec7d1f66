// Runs a media child process (ffprobe, ffmpeg, a recogniser) to completion with a time limit. Every child has
// one: a file that makes a demuxer wait forever (a FIFO, a stalled network share) must cost one bounded job,
// never a worker slot for good. Kills are SIGKILL: ffmpeg ignores a polite stop while it waits on I/O.
import { spawn } from "node:child_process";

export interface RunResult {
  code: number | null;
  /** The signal that ended the process on its own (SIGSEGV from a crashing demuxer), else null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Total time limit; default 10 minutes. */
  timeoutMs?: number;
  /** Kill when neither stdout nor stderr has produced anything for this long (a hung read). */
  stallMs?: number;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  maxOutputBytes?: number;
}

export const DEFAULT_PROCESS_TIMEOUT_MS = 10 * 60_000;

export class ProcessAbortedError extends Error {
  constructor() {
    super("process aborted");
    this.name = "ProcessAbortedError";
  }
}

export class ProcessTimeoutError extends Error {
  constructor(
    readonly bin: string,
    readonly ms: number,
    readonly stalled: boolean,
  ) {
    super(stalled ? `${bin} produced nothing for ${Math.round(ms / 1000)} s and was stopped` : `${bin} ran longer than ${Math.round(ms / 1000)} s and was stopped`);
    this.name = "ProcessTimeoutError";
  }
}

export function runProcess(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const maxBytes = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROCESS_TIMEOUT_MS;
  const name = bin.split(/[\\/]/).pop() ?? bin;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ProcessAbortedError());
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let outPartial = "";
    let errPartial = "";
    let timedOut: ProcessTimeoutError | null = null;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    const onAbort = () => kill();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = new ProcessTimeoutError(name, timeoutMs, false);
      kill();
    }, timeoutMs);
    let stallTimer: NodeJS.Timeout | null = null;
    const armStall = () => {
      if (!opts.stallMs) return;
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        timedOut = new ProcessTimeoutError(name, opts.stallMs as number, true);
        kill();
      }, opts.stallMs);
    };
    armStall();
    const cleanup = () => {
      clearTimeout(timer);
      if (stallTimer) clearTimeout(stallTimer);
      opts.signal?.removeEventListener("abort", onAbort);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      armStall();
      if (stdout.length < maxBytes) stdout += chunk;
      if (opts.onStdoutLine) {
        const lines = (outPartial + chunk).split("\n");
        outPartial = lines.pop() ?? "";
        for (const l of lines) opts.onStdoutLine(l);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      armStall();
      if (stderr.length < maxBytes) stderr += chunk;
      if (opts.onStderrLine) {
        const lines = (errPartial + chunk).split("\n");
        errPartial = lines.pop() ?? "";
        for (const l of lines) opts.onStderrLine(l);
      }
    });
    child.on("error", (err) => {
      cleanup();
      reject(err);
    });
    child.on("close", (code, signal) => {
      cleanup();
      if (opts.signal?.aborted) return reject(new ProcessAbortedError());
      if (timedOut) return reject(timedOut);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
