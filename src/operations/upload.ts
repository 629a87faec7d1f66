// Uploads that outlive the call that starts them. A tool call must answer within a bound (50 s) that a slow
// link can turn into a fraction of one file's transfer, so the bytes go on inside the server process: one
// transfer per asset, started by upload_media or cut_to_script, followed by roughy_wait and shown by
// roughy_get. It is the client's resumable TUS upload with its resume store, so a transfer that stops (a
// network failure, a cancel, a server restart) continues from the server's offset on the next start of the
// same file. A transfer lives in memory: after a restart only the resume store remembers it.

import {
  FileResumeStore,
  type Asset,
  type ResumeRecord,
  type ResumeStore,
  type RoughyClient,
  type UploadResult,
} from "../client/index.js";
import type { ProgressSink } from "../progress/sink.js";

/** The file to send, already opened and checked by the caller. */
export type UploadSource = {
  /** Where the bytes are read from: the descriptor the caller pinned (/proc/self/fd/N), or the path. */
  readPath: string;
  /** The file's real path: it names the file and keys the resume store. */
  identity: string;
  size: number;
  mtimeMs: number;
  filename: string;
  /** Releases what the caller opened, once the transfer no longer reads it. */
  close?: () => Promise<void>;
};

export type UploadTarget = { projectId: string; language?: string };

/** sending: bytes are moving; sent: the server has them all; failed: stopped by an error; stopped: by a cancel. */
export type UploadState = "sending" | "sent" | "failed" | "stopped";

export type UploadStatus = {
  assetId: string;
  filename: string;
  /** The file on this machine, for messages ("call upload_media again with this path"). */
  path: string;
  state: UploadState;
  bytesSent: number;
  bytesTotal: number;
  /** This transfer continues an asset an earlier one created. */
  resumed: boolean;
  /** The bytes the server already had when this transfer began; known once it has ended. */
  bytesSkipped: number | null;
  /** The asset as read after the last byte (state sent). */
  asset: Asset | null;
  /** What stopped it (state failed), for the describer (src/operations/describe-error.ts). */
  error: unknown;
};

class Transfer {
  readonly status: UploadStatus;
  readonly controller = new AbortController();
  readonly listeners = new Set<ProgressSink>();
  /** Settles when the transfer ends, whatever the outcome (it never rejects). */
  ended!: Promise<void>;
  /** Resolves once the asset is known; rejects when the transfer failed before that. */
  assetKnown!: Promise<void>;

  constructor(source: UploadSource) {
    this.status = {
      assetId: "",
      filename: source.filename,
      path: source.identity,
      state: "sending",
      bytesSent: 0,
      bytesTotal: source.size,
      resumed: false,
      bytesSkipped: null,
      asset: null,
      error: null,
    };
  }

  report(message: string, progress?: number, total?: number): void {
    for (const sink of this.listeners) sink.report(message, progress, total);
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The progress line of a transfer, the same for every watcher. */
export function describeSending(s: Pick<UploadStatus, "bytesSent" | "bytesTotal">): string {
  return `Sent ${mb(s.bytesSent)} of ${mb(s.bytesTotal)}`;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}

/** Resolves after ms (never, for Infinity), when the transfer ends, or at once on abort (never rejects). */
function pause(ms: number, signal: AbortSignal | undefined, ended: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
    void ended.then(done);
  });
}

export class UploadOperations {
  private readonly byAsset = new Map<string, Transfer>();
  /** Transfers still sending, by file and project: a second start of the same file joins the first. */
  private readonly byFile = new Map<string, Transfer>();
  private store: ResumeStore | undefined;

  constructor(private readonly client: RoughyClient) {}

  /**
   * Starts sending a file (or joins the transfer already sending it) and resolves once its asset is known,
   * which is at once for a new asset and after the server's offset is read for a resumed one. A failure before
   * that (no asset, a refused file) rejects, and nothing keeps running. `signal` stops the transfer until then.
   */
  async start(source: UploadSource, target: UploadTarget, signal?: AbortSignal): Promise<UploadStatus> {
    const fileKey = `${source.identity}\u0000${source.size}\u0000${source.mtimeMs}\u0000${target.projectId}`;
    const running = this.byFile.get(fileKey);
    if (running) {
      await source.close?.();
      await running.assetKnown;
      return running.status;
    }
    // The client's own default store, read at the first upload (ROUGHY_UPLOAD_STORE may be set late).
    const base = (this.store ??= new FileResumeStore());
    const t = new Transfer(source);
    this.byFile.set(fileKey, t);

    let known: (() => void) | undefined;
    let failedEarly: ((error: unknown) => void) | undefined;
    const assetKnown = new Promise<void>((resolve, reject) => {
      known = resolve;
      failedEarly = reject;
    });
    t.assetKnown = assetKnown;
    // A caller that joined and the starter both see an early failure; neither leaves it unhandled.
    assetKnown.catch(() => {});
    const learn = (assetId: string) => {
      if (t.status.assetId) return;
      t.status.assetId = assetId;
      this.byAsset.set(assetId, t);
      known?.();
    };
    // The uploader looks its resume record up before anything else: seeing that answer tells which asset a
    // resumed transfer continues, without a second reading of the store's rules.
    let previous: ResumeRecord | undefined;
    const store: ResumeStore = {
      get: async (key) => (previous = await base.get(key)),
      set: (key, record) => base.set(key, record),
      delete: (key) => base.delete(key),
    };
    const onAbort = () => t.controller.abort(signal ? abortError(signal) : undefined);
    signal?.addEventListener("abort", onAbort, { once: true });

    t.ended = this.client.uploads
      .uploadFile({
        path: source.readPath,
        identity: source.identity,
        projectId: target.projectId,
        filename: source.filename,
        ...(target.language ? { language: target.language } : {}),
        resumeStore: store,
        signal: t.controller.signal,
        onAssetCreated: (asset) => learn(asset.id),
        onProgress: (sent, total) => {
          // Bytes move only once the uploader has settled on an asset: a resumed one if none was created.
          if (!t.status.assetId && previous?.projectId === target.projectId) {
            t.status.resumed = true;
            learn(previous.assetId);
          }
          t.status.bytesSent = sent;
          t.status.bytesTotal = total || source.size;
          t.report(describeSending(t.status), sent, t.status.bytesTotal);
        },
      })
      .then(
        (result: UploadResult) => {
          t.status.resumed = result.resumed;
          t.status.bytesSkipped = result.bytesSkipped;
          t.status.bytesSent = t.status.bytesTotal;
          t.status.asset = result.asset;
          t.status.state = "sent";
          learn(result.asset.id);
          t.report(describeSending(t.status), t.status.bytesTotal, t.status.bytesTotal);
        },
        (error: unknown) => {
          t.status.state = t.controller.signal.aborted ? "stopped" : "failed";
          t.status.error = error;
          if (!t.status.assetId) failedEarly?.(error);
        },
      )
      .finally(async () => {
        signal?.removeEventListener("abort", onAbort);
        this.byFile.delete(fileKey);
        t.listeners.clear();
        await source.close?.().catch(() => {});
      });
    await assetKnown;
    // From here on the transfer belongs to the server, not to the call that started it.
    signal?.removeEventListener("abort", onAbort);
    return t.status;
  }

  /** The transfer of an asset started in this process (running, or how it ended), if any. */
  status(assetId: string): UploadStatus | undefined {
    return this.byAsset.get(assetId)?.status;
  }

  /**
   * Waits until the asset's transfer has ended, for at most timeoutMs, reporting byte progress to the sink.
   * Resolves with the status either way; rejects only when the signal aborts (the transfer goes on).
   */
  async follow(assetId: string, options: { signal?: AbortSignal; sink?: ProgressSink; timeoutMs: number }): Promise<UploadStatus | undefined> {
    const t = this.byAsset.get(assetId);
    if (!t) return undefined;
    const sink = options.sink;
    if (sink && t.status.state === "sending") {
      t.listeners.add(sink);
      sink.report(describeSending(t.status), t.status.bytesSent, t.status.bytesTotal);
    }
    try {
      await pause(options.timeoutMs, options.signal, t.ended);
    } finally {
      if (sink) t.listeners.delete(sink);
    }
    if (options.signal?.aborted) throw abortError(options.signal);
    return t.status;
  }

  /** Stops a transfer; the bytes sent stay on the server and the next start of the file resumes. */
  async stop(assetId: string): Promise<void> {
    const t = this.byAsset.get(assetId);
    if (!t || t.status.state !== "sending") return;
    t.controller.abort();
    await t.ended;
  }

  /** Stops every transfer (the server is closing); each stays resumable. */
  async close(): Promise<void> {
    const sending = [...this.byAsset.values(), ...this.byFile.values()].filter((t) => t.status.state === "sending");
    for (const t of sending) t.controller.abort();
    await Promise.all(sending.map((t) => t.ended));
  }
}

// One registry per client, so that the tools and the cut_to_script job see the same transfers: a server
// holds one client per backend.
const registries = new WeakMap<RoughyClient, UploadOperations>();

export function uploadsFor(client: RoughyClient): UploadOperations {
  let ops = registries.get(client);
  if (!ops) {
    ops = new UploadOperations(client);
    registries.set(client, ops);
  }
  return ops;
}
