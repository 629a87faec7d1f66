// Remembers which local file each asset was uploaded from, so that exports made later (another call, another
// session of the same user) can point at that file instead of leaving the editor with media offline. Keyed by
// asset id, never by file name: two sources named `take.mov` in different folders stay two entries.
// Lives beside the upload resume store, so whatever isolates that (ROUGHY_UPLOAD_STORE) isolates this too.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { defaultResumeStorePath, writeJsonAtomic } from "../client/resume-store.js";

export interface MediaPathStore {
  get(assetId: string): Promise<string | undefined>;
  set(assetId: string, absPath: string): Promise<void>;
}

export function defaultMediaPathStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(defaultResumeStorePath(env)), "media-paths.json");
}

// A user's library of uploads stays small; the oldest entries go first past this many.
const MAX_ENTRIES = 5000;

interface StoreFile {
  version: 1;
  paths: Record<string, { path: string; at: string }>;
}

/** A small JSON file rewritten atomically (temp file + rename); unreadable means empty, never an error. */
export class FileMediaPathStore implements MediaPathStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string = defaultMediaPathStorePath()) {}

  async get(assetId: string): Promise<string | undefined> {
    await this.queue.catch(() => undefined);
    return (await this.read()).paths[assetId]?.path;
  }

  set(assetId: string, absPath: string): Promise<void> {
    const next = this.queue.catch(() => undefined).then(async () => {
      const f = await this.read();
      delete f.paths[assetId];
      f.paths[assetId] = { path: absPath, at: new Date().toISOString() };
      const ids = Object.keys(f.paths);
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_ENTRIES))) delete f.paths[id];
      await writeJsonAtomic(this.path, f);
    });
    this.queue = next;
    return next;
  }

  private async read(): Promise<StoreFile> {
    try {
      const parsed = JSON.parse(await readFile(this.path, "utf8")) as Partial<StoreFile>;
      if (parsed?.version === 1 && parsed.paths && typeof parsed.paths === "object") return { version: 1, paths: parsed.paths };
    } catch {
      // missing or unreadable: the worst case is an export that asks for media_path
    }
    return { version: 1, paths: {} };
  }
}
