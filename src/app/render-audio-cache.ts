// Completed renders' files, kept by this process so that the cut timeline view can page through a cut's audio
// (cut_audio) without the file being downloaded again for every chunk. Server-private: a temporary directory of
// its own (never the user's allowed folders), files named by a hash of the render id, a few files and a bounded
// number of bytes (least recently used go first), all removed when the process exits. Chunks are read from the
// file by range; a file is never held in memory whole.
//
// The cache does not decide who may read a render: the caller asks the service for the render with the caller's
// own key first (cut_audio does), so a render id learnt elsewhere opens nothing here.

import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, open, rm, stat, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { mp4DurationSeconds } from "./mp4-duration.js";

export type CachedAudio = { path: string; bytes: number; durationSeconds: number | null };

export type CacheLimits = { maxFiles: number; maxBytes: number };

/** Downloads the render's file to `dest` (complete, or not at all). */
export type Fetcher = (dest: string) => Promise<unknown>;

export class RenderAudioCache {
  /** Insertion order is recency: the first key is the least recently used. */
  private readonly entries = new Map<string, Promise<CachedAudio>>();
  private readonly settled = new Map<string, CachedAudio>();
  private dir: Promise<string> | null = null;

  constructor(private readonly limits: CacheLimits) {}

  /** The render's file, open for reading (the caller closes it); downloaded with `fetch` on first use. */
  async open(renderId: string, fetch: Fetcher, signal: AbortSignal): Promise<{ audio: CachedAudio; file: FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      const audio = await this.file(renderId, fetch, signal);
      try {
        return { audio, file: await open(audio.path, "r") };
      } catch (error) {
        // Evicted between the lookup and the open: fetch it again, once.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt > 0) throw error;
        this.forget(renderId);
      }
    }
  }

  /** Files and bytes held now (for tests and figures). */
  usage(): { files: number; bytes: number } {
    return { files: this.settled.size, bytes: [...this.settled.values()].reduce((n, a) => n + a.bytes, 0) };
  }

  private async file(renderId: string, fetch: Fetcher, signal: AbortSignal): Promise<CachedAudio> {
    for (let hit = this.entries.get(renderId); hit; hit = this.entries.get(renderId)) {
      this.entries.delete(renderId);
      this.entries.set(renderId, hit);
      try {
        return await hit;
      } catch (error) {
        // Another call's download failed (or was canceled with that call): wait on whichever download
        // has replaced it, or start one (one at a time: they would share a temporary name).
        if (signal.aborted) throw error;
        if (this.entries.get(renderId) === hit) this.entries.delete(renderId);
      }
    }
    const made = this.download(renderId, fetch);
    this.entries.set(renderId, made);
    made.then(
      (audio) => {
        if (this.entries.get(renderId) !== made) return;
        this.settled.set(renderId, audio);
        this.evict(renderId);
      },
      () => {
        if (this.entries.get(renderId) === made) this.entries.delete(renderId);
      },
    );
    return made;
  }

  private async download(renderId: string, fetch: Fetcher): Promise<CachedAudio> {
    const dest = path.join(await this.directory(), `${createHash("sha256").update(renderId).digest("hex").slice(0, 32)}.audio`);
    await fetch(dest);
    const bytes = (await stat(dest)).size;
    const file = await open(dest, "r");
    try {
      return { path: dest, bytes, durationSeconds: await mp4DurationSeconds(file, bytes).catch(() => null) };
    } finally {
      await file.close();
    }
  }

  private directory(): Promise<string> {
    this.dir ??= mkdtemp(path.join(tmpdir(), "roughy-mcp-audio-")).then((dir) => {
      // Synchronous: at "exit" only synchronous work still runs.
      process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    });
    return this.dir;
  }

  /** Drops the least recently used files until the limits hold; the one just added always stays. */
  private evict(keep: string): void {
    for (const id of this.entries.keys()) {
      const { files, bytes } = this.usage();
      if (files <= this.limits.maxFiles && bytes <= this.limits.maxBytes) return;
      if (id === keep || !this.settled.has(id)) continue;
      this.forget(id);
    }
  }

  private forget(renderId: string): void {
    const audio = this.settled.get(renderId);
    this.entries.delete(renderId);
    this.settled.delete(renderId);
    // A reader that has the file open keeps reading it (POSIX); where removing an open file fails, the
    // directory goes at exit.
    if (audio) void rm(audio.path, { force: true }).catch(() => {});
  }
}

/** One per process: 8 files or 256 MB (a one-hour cut at 128 kbps AAC is about 58 MB). */
export const renderAudio = new RenderAudioCache({ maxFiles: 8, maxBytes: 256 * 2 ** 20 });
