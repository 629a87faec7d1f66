// Uploading a local file as an asset: create the asset (which opens a TUS upload), stream the bytes with
// tus-js-client from disk, and make an interrupted upload resumable, across a restart too, through the
// resume store. The bytes are read range by range from the file into a few reused buffers
// (tus-file-stack.ts), so memory stays flat whatever the size.
import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve as resolvePath } from "node:path";
import { Upload, type DetailedError, type FileReader, type FileSource } from "tus-js-client";
import {
  ConnectionError,
  errorFromResponse,
  NotFoundError,
  RoughyError,
  TimeoutError,
  ValidationError,
  redact,
} from "./errors.js";
import { TUS_VERSION } from "./endpoints.js";
import { abortReason, type HttpCore } from "./http.js";
import { parseRetryAfter } from "./retry.js";
import { FileRangeHttpStack, type FileRange } from "./tus-file-stack.js";
import { FileResumeStore, resumeKey, type ResumeStore } from "./resume-store.js";
import type { Asset } from "./schemas.js";

/** The smallest upload the API takes ("Upload-Length must be at least 64 bytes"). */
export const MIN_UPLOAD_BYTES = 64;
/**
 * Bytes per PATCH, at most. The source is a file, read range by range as a stream, so a PATCH of any size
 * costs the same memory: a file up to this size goes in one streamed PATCH, a larger one in PATCHes this big,
 * where the round trip and the server's reopen between two of them cost well under 1% even on loopback
 * (8 MiB PATCHes cost a third of the throughput). The bound keeps each request finite: at a slow 1 MiB/s one
 * ends within 20 minutes, inside the hour a server gives a request (the sandbox's SANDBOX_REQUEST_TIMEOUT_MS).
 * A cut-off PATCH loses nothing either way: the server keeps the bytes it received, and the retry (or the next
 * run) resumes from the offset a HEAD reports.
 */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024 * 1024;
/**
 * Each PATCH's byte range of the file, sent by FileRangeHttpStack straight from disk through a few reused
 * buffers: flat memory, whatever the range.
 */
function fileRanges(path: string, size: number): FileReader {
  const source: FileSource = {
    size,
    slice(start, end) {
      const stop = Math.min(end, size);
      const range: FileRange = { path, start, end: stop, size: stop - start };
      return Promise.resolve({ value: range, done: stop >= size });
    },
    close() {},
  };
  return { openFile: () => Promise.resolve(source) };
}

export interface UploadFileOptions {
  path: string;
  /**
   * The file's stable name when `path` names an open descriptor (/proc/PID/fd/N, pinned by the caller so
   * that a swapped file cannot be read instead): it keys the resume store and names the file in messages.
   */
  identity?: string;
  projectId: string;
  filename?: string;
  language?: string;
  onProgress?: (bytesSent: number, bytesTotal: number) => void;
  onAssetCreated?: (asset: Asset) => void;
  signal?: AbortSignal;
  resumeStore?: ResumeStore;
}

export interface UploadResult {
  asset: Asset;
  resumed: boolean;
  bytesSkipped: number;
}

/** What the uploader needs from the rest of the client. */
export interface UploadDeps {
  http: HttpCore;
  createAsset(body: { project_id: string; size_bytes: number; filename?: string; language?: string }, signal?: AbortSignal): Promise<Asset>;
  getAsset(id: string, signal?: AbortSignal): Promise<Asset>;
  /** Absolute transfer URL of an asset (its upload_url resolved against the API). */
  transferUrl(asset: Asset): string | null;
  /** Whether the bearer key may be sent to this URL. */
  isTrusted(url: string): boolean;
  defaultResumeStore?: ResumeStore;
  /** TUS retry delays; tests shorten them. */
  retryDelays?: number[];
  /** An upload that sends no byte and gets no answer for this long is stopped (resumable). */
  stallTimeoutMs?: number;
}

/** Default stall timeout of uploads and downloads: long enough for a slow server to store a chunk. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;
/** How often a running upload looks at its file: a file that changes size or time cannot be sent as declared. */
const SOURCE_CHECK_MS = 500;

function invalidFile(path: string, message: string): ValidationError {
  return new ValidationError({
    status: null,
    code: "validation_error",
    message,
    fields: [{ field: "path", message }],
  });
}

export class Uploads {
  private fallbackStore: ResumeStore | undefined;

  constructor(private readonly deps: UploadDeps) {}

  private get store(): ResumeStore {
    this.fallbackStore ??= this.deps.defaultResumeStore ?? new FileResumeStore();
    return this.fallbackStore;
  }

  async uploadFile(o: UploadFileOptions): Promise<UploadResult> {
    const path = resolvePath(o.path);
    const shownPath = o.identity ?? path;
    // Everything that can be known locally is checked before an asset (and its charge) exists.
    let st;
    try {
      st = await stat(path);
    } catch {
      throw invalidFile(shownPath, `No readable file at ${shownPath}.`);
    }
    if (!st.isFile()) throw invalidFile(shownPath, `${shownPath} is not a regular file.`);
    if (st.size < MIN_UPLOAD_BYTES) {
      throw invalidFile(shownPath, `${shownPath} is ${st.size} bytes; an upload must be at least ${MIN_UPLOAD_BYTES} bytes.`);
    }
    if (o.signal?.aborted) throw abortReason(o.signal);

    const store = o.resumeStore ?? this.store;
    const key = resumeKey(shownPath, st.size, st.mtimeMs);
    let asset: Asset | undefined;
    let resumed = false;

    const previous = await store.get(key);
    if (previous && previous.projectId === o.projectId) {
      try {
        const a = await this.deps.getAsset(previous.assetId, o.signal);
        if (a.state === "pending_upload" && this.deps.transferUrl(a)) {
          asset = a;
          resumed = true;
        } else {
          // The bytes all arrived before (the process died before it could forget the entry).
          await store.delete(key);
          return { asset: a, resumed: true, bytesSkipped: st.size };
        }
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        await store.delete(key);
      }
    }

    if (!asset) {
      asset = await this.deps.createAsset(
        {
          project_id: o.projectId,
          size_bytes: st.size,
          filename: o.filename ?? basename(shownPath),
          ...(o.language ? { language: o.language } : {}),
        },
        o.signal,
      );
      o.onAssetCreated?.(asset);
    }
    const uploadUrl = this.deps.transferUrl(asset);
    if (!uploadUrl) {
      throw new RoughyError({
        status: null,
        code: "invalid_response",
        message: `Asset ${asset.id} is ${asset.state} and carries no upload URL to send the bytes to.`,
      });
    }
    if (!resumed) {
      await store.set(key, {
        uploadUrl,
        assetId: asset.id,
        projectId: o.projectId,
        size: st.size,
        createdAt: new Date().toISOString(),
      });
    }

    let bytesSkipped = 0;
    try {
      bytesSkipped = await this.transfer(path, st, uploadUrl, o);
    } catch (err) {
      if (err instanceof SourceChanged) {
        // The declared size can never be met: end the transfer (which removes the asset) instead of leaving it pending.
        await this.cancel(uploadUrl).catch(() => {});
        await store.delete(key);
        throw invalidFile(shownPath, `${shownPath} ${err.message} while it was being uploaded; nothing usable was sent. Upload it again once it is complete.`);
      }
      if (err instanceof NotFoundError) await store.delete(key);
      throw err;
    }
    await store.delete(key);
    const final = await this.deps.getAsset(asset.id, o.signal);
    return { asset: final, resumed, bytesSkipped };
  }

  /** Runs the TUS transfer; resolves with the offset the server already had. */
  private transfer(path: string, st: Stats, uploadUrl: string, o: UploadFileOptions): Promise<number> {
    const size = st.size;
    const stallMs = this.deps.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const http = this.deps.http;
    const secrets = [http.opts.apiKey];
    const headers: Record<string, string> = { "User-Agent": http.opts.userAgent };
    if (this.deps.isTrusted(uploadUrl)) headers.Authorization = http.authorization;

    return new Promise<number>((resolve, reject) => {
      let initialOffset: number | null = null;
      let settled = false;
      const source = createReadStream(path);
      // A file that shrinks would leave a PATCH short of its declared length, and a server that stops reading
      // would hold it forever: both are noticed here rather than waited on.
      let lastSent = -1;
      let lastMovedAt = Date.now();
      const moved = () => {
        lastMovedAt = Date.now();
      };
      const watchdog = setInterval(() => {
        void stat(path).then(
          (now) => {
            if (now.size !== size) stop(new SourceChanged(`changed size from ${size} to ${now.size} bytes`));
            else if (now.mtimeMs !== st.mtimeMs) stop(new SourceChanged("was modified"));
            else if (Date.now() - lastMovedAt > stallMs) {
              stop(new TimeoutError({ message: `The upload made no progress for ${Math.round(stallMs / 1000)} s (the server stopped reading or answering). Run it again to resume.` }));
            }
          },
          () => stop(new SourceChanged("disappeared")),
        );
      }, Math.min(SOURCE_CHECK_MS, stallMs));
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        o.signal?.removeEventListener("abort", onAbort);
        source.destroy();
        fn();
      };
      const stop = (error: Error) => {
        void upload.abort(false).finally(() => finish(() => reject(error)));
      };
      const upload = new Upload(source, {
        uploadUrl,
        uploadSize: size,
        chunkSize: UPLOAD_CHUNK_BYTES,
        fileReader: fileRanges(path, size),
        httpStack: new FileRangeHttpStack(),
        headers,
        retryDelays: this.deps.retryDelays ?? [0, 1000, 3000, 5000],
        storeFingerprintForResuming: false,
        removeFingerprintOnSuccess: false,
        onAfterResponse: (req, res) => {
          moved();
          if (initialOffset === null && req.getMethod() === "HEAD" && res.getStatus() < 300) {
            initialOffset = Number(res.getHeader("Upload-Offset") ?? 0) || 0;
          }
        },
        onProgress: (sent, total) => {
          if (sent !== lastSent) {
            lastSent = sent;
            moved();
          }
          o.onProgress?.(sent, total);
        },
        onSuccess: () => finish(() => resolve(initialOffset ?? 0)),
        onError: (err) => finish(() => reject(toRoughyError(err, secrets))),
      });
      // Abort keeps the upload on the server (no terminate): the next uploadFile resumes it.
      const onAbort = () => {
        void upload.abort(false).finally(() => finish(() => reject(abortReason(o.signal as AbortSignal))));
      };
      if (o.signal?.aborted) return finish(() => reject(abortReason(o.signal as AbortSignal)));
      o.signal?.addEventListener("abort", onAbort, { once: true });
      upload.start();
    });
  }

  /** Cancels an upload (TUS DELETE), which removes its asset. */
  async cancel(uploadUrl: string, signal?: AbortSignal): Promise<void> {
    const http = this.deps.http;
    if (!this.deps.isTrusted(uploadUrl)) {
      // The key only goes to the API or to transfer URLs the API handed out.
      throw new ValidationError({
        status: null,
        code: "validation_error",
        message: `Not a Roughy upload URL: ${new URL(uploadUrl).origin} is not the API's host.`,
        fields: [{ field: "upload_url", message: "not a Roughy upload URL" }],
      });
    }
    await http.empty(
      { method: "DELETE", path: "/" },
      { url: uploadUrl, signal, headers: { authorization: http.authorization, "tus-resumable": TUS_VERSION } },
    );
  }
}

/** The source file is no longer what the upload declared; the message completes "<file> ...". */
class SourceChanged extends Error {}

/** Turns a tus-js-client failure into the client's error hierarchy. */
function toRoughyError(err: Error | DetailedError, secrets: string[]): RoughyError {
  const d = err as Partial<DetailedError>;
  const res = d.originalResponse;
  if (res) {
    const status = res.getStatus();
    return errorFromResponse({
      status,
      header: (name) => res.getHeader(name) ?? undefined,
      bodyText: res.getBody() ?? "",
      retryAfter: parseRetryAfter(res.getHeader("Retry-After")),
      secrets,
    });
  }
  return new ConnectionError({
    message: `The upload was interrupted: ${redact(String(d.causingError?.message ?? err.message), secrets)}. Run it again to resume.`,
    maybeProcessed: true,
    cause: err,
  });
}
