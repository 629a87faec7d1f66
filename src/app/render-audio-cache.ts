// Completed renders' files, kept by this process so that the cut timeline view can page through a cut's audio
// (cut_audio) without the file being downloaded again for every chunk. Server-private: each file is downloaded
// into a temporary folder of its own (never the user's allowed folders), opened, and its name removed at once,
// so the cache is open files without names: nothing is left on disk however the process ends (a crash, a kill,
// a test runner's worker), and no other process can open them. A few files and a bounded number of bytes are
// kept (least recently used go first). Chunks are read by position; a file is never held in memory whole.
//
// The cache does not decide who may read a render: the caller asks the service for the render with the caller's
// own key first (cut_audio does), so a render id learnt elsewhere opens nothing here.

import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { probeFile } from "../media-tools/index.js";

export type CacheLimits = { maxFiles: number; maxBytes: number };

/** Downloads the render's file to `dest` (complete, or not at all). */
export type Fetcher = (dest: string) => Promise<unknown>;

/** One reader's hold on a cached file: it stays readable until released, even if evicted meanwhile. */
export type AudioLease = {
  bytes: number;
  durationSeconds: number | null;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Buffer>;
  release(): Promise<void>;
};

type Entry = { file: FileHandle; bytes: number; durationSeconds: number | null; readers: number; evicted: boolean };

export class RenderAudioCache {
  /** Insertion order is recency: the first key is the least recently used. */
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly settled = new Map<string, Entry>();

  /** `parent`: where the per-download temporary folders are made (default the system's temp folder). */
  constructor(
    private readonly limits: CacheLimits,
    private readonly parent: () => string = tmpdir,
  ) {}

  /** A hold on the render's file, downloaded with `fetch` on first use; the caller releases it. */
  async lease(renderId: string, fetch: Fetcher, signal: AbortSignal): Promise<AudioLease> {
    for (;;) {
      const entry = await this.file(renderId, fetch, signal);
      // Evicted (and closed) between its download and this continuation: take the fresh one.
      if (entry.evicted && entry.readers === 0) continue;
      entry.readers += 1;
      let released = false;
      return {
        bytes: entry.bytes,
        durationSeconds: entry.durationSeconds,
        read: async (offset, length) => {
          const buffer = Buffer.alloc(Math.max(0, Math.min(length, entry.bytes - offset)));
          for (let at = 0; at < buffer.length; ) {
            const { bytesRead } = await entry.file.read(buffer, at, buffer.length - at, offset + at);
            if (bytesRead === 0) throw new Error(`the cached render ${renderId} is shorter than its ${entry.bytes} bytes`);
            at += bytesRead;
          }
          return buffer;
        },
        release: async () => {
          if (released) return;
          released = true;
          entry.readers -= 1;
          if (entry.evicted && entry.readers === 0) await entry.file.close().catch(() => {});
        },
      };
    }
  }

  /** Files and bytes held now (for tests and figures). */
  usage(): { files: number; bytes: number } {
    return { files: this.settled.size, bytes: [...this.settled.values()].reduce((n, e) => n + e.bytes, 0) };
  }

  private async file(renderId: string, fetch: Fetcher, signal: AbortSignal): Promise<Entry> {
    for (let hit = this.entries.get(renderId); hit; hit = this.entries.get(renderId)) {
      this.entries.delete(renderId);
      this.entries.set(renderId, hit);
      try {
        return await hit;
      } catch (error) {
        // Another call's download failed (or was canceled with that call): wait on whichever download
        // has replaced it, or start one.
        if (signal.aborted) throw error;
        if (this.entries.get(renderId) === hit) this.entries.delete(renderId);
      }
    }
    const made = this.download(fetch);
    this.entries.set(renderId, made);
    made.then(
      (entry) => {
        if (this.entries.get(renderId) !== made) return;
        this.settled.set(renderId, entry);
        this.evict(renderId);
      },
      () => {
        if (this.entries.get(renderId) === made) this.entries.delete(renderId);
      },
    );
    return made;
  }

  private async download(fetch: Fetcher): Promise<Entry> {
    const dir = await mkdtemp(path.join(this.parent(), "roughy-mcp-audio-"));
    try {
      const dest = path.join(dir, "render.audio");
      await fetch(dest);
      // Read with the project's media tools while the file still has a name; unknown (null) when they cannot.
      const durationSeconds = await probeFile(dest).then((probed) => probed.duration, () => null);
      const file = await open(dest, "r");
      try {
        // The name goes now; the open file stays readable (POSIX, and Windows, where Node opens files with
        // FILE_SHARE_DELETE) until it is closed, and its space is freed then or when the process ends.
        await rm(dir, { recursive: true, force: true }).catch(() => {});
        const { size } = await file.stat();
        return { file, bytes: size, durationSeconds, readers: 0, evicted: false };
      } catch (error) {
        await file.close();
        throw error;
      }
    } finally {
      // After a failed or canceled download (and where an open file's name cannot go: the folder stays empty).
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** Drops the least recently used files until the limits hold; the one just added always stays. */
  private evict(keep: string): void {
    for (const id of this.entries.keys()) {
      const { files, bytes } = this.usage();
      if (files <= this.limits.maxFiles && bytes <= this.limits.maxBytes) return;
      const entry = this.settled.get(id);
      if (id === keep || !entry) continue;
      this.entries.delete(id);
      this.settled.delete(id);
      entry.evicted = true;
      if (entry.readers === 0) void entry.file.close().catch(() => {});
    }
  }
}

/** One per process: 8 files or 256 MB (a one-hour cut at 128 kbps AAC is about 58 MB). */
export const renderAudio = new RenderAudioCache({ maxFiles: 8, maxBytes: 256 * 2 ** 20 });
