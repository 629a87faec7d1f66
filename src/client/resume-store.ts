// Remembers half-finished uploads so that a second `uploadFile` of the same file, even after the process
// restarted, continues from the server's offset instead of creating (and paying for) a new asset.
// The key is the file's absolute path + size + mtime: a file edited since is a different upload.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface ResumeRecord {
  uploadUrl: string;
  assetId: string;
  projectId: string;
  size: number;
  createdAt: string;
}

export interface ResumeStore {
  get(key: string): Promise<ResumeRecord | undefined>;
  set(key: string, record: ResumeRecord): Promise<void>;
  delete(key: string): Promise<void>;
}

export function resumeKey(absPath: string, size: number, mtimeMs: number): string {
  return `${absPath}\u0000${size}\u0000${mtimeMs}`;
}

/** `$ROUGHY_UPLOAD_STORE`, else `$XDG_CACHE_HOME/roughy-mcp/uploads.json`, else `~/.cache/roughy-mcp/uploads.json`. */
export function defaultResumeStorePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROUGHY_UPLOAD_STORE) return env.ROUGHY_UPLOAD_STORE;
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith("/") ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(cache, "roughy-mcp", "uploads.json");
}

// Entries older than this are dropped: the server will have expired such an upload long before.
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

interface StoreFile {
  version: 1;
  uploads: Record<string, ResumeRecord>;
}

/** Writes `value` as JSON through a temp file and a rename, so a crash never leaves the file half-written. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  await rename(tmp, path);
}

/** A small JSON file, rewritten atomically (temp file + rename) so a crash never leaves it half-written. */
export class FileResumeStore implements ResumeStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string = defaultResumeStorePath()) {}

  async get(key: string): Promise<ResumeRecord | undefined> {
    await this.queue.catch(() => undefined);
    return (await this.read()).uploads[key];
  }

  set(key: string, record: ResumeRecord): Promise<void> {
    return this.update((f) => {
      f.uploads[key] = record;
    });
  }

  delete(key: string): Promise<void> {
    return this.update((f) => {
      delete f.uploads[key];
    });
  }

  private async read(): Promise<StoreFile> {
    try {
      const parsed = JSON.parse(await readFile(this.path, "utf8")) as Partial<StoreFile>;
      if (parsed && parsed.version === 1 && parsed.uploads && typeof parsed.uploads === "object") {
        return { version: 1, uploads: parsed.uploads };
      }
    } catch {
      // missing or unreadable: start afresh (the worst case is one upload that starts from zero)
    }
    return { version: 1, uploads: {} };
  }

  // Serialised within the process so that two concurrent uploads do not drop each other's entry.
  private update(change: (f: StoreFile) => void): Promise<void> {
    const next = this.queue.catch(() => undefined).then(async () => {
      const f = await this.read();
      change(f);
      const now = Date.now();
      for (const [k, r] of Object.entries(f.uploads)) {
        if (now - Date.parse(r.createdAt) > MAX_AGE_MS) delete f.uploads[k];
      }
      await writeJsonAtomic(this.path, f);
    });
    this.queue = next;
    return next;
  }
}

/** For callers (and tests) that want resumability within one process only. */
export class MemoryResumeStore implements ResumeStore {
  readonly records = new Map<string, ResumeRecord>();
  async get(key: string) {
    return this.records.get(key);
  }
  async set(key: string, record: ResumeRecord) {
    this.records.set(key, record);
  }
  async delete(key: string) {
    this.records.delete(key);
  }
}
