import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultResumeStorePath, FileResumeStore, resumeKey } from "./resume-store.js";

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const rec = (assetId: string) => ({ uploadUrl: `http://h/t/${assetId}`, assetId, projectId: "p", size: 100, createdAt: new Date().toISOString() });

describe("FileResumeStore", () => {
  it("persists across instances, keeps concurrent writes, and leaves no temp files", async () => {
    dir = await mkdtemp(join(tmpdir(), "roughy-store-"));
    const path = join(dir, "nested", "uploads.json");
    const a = new FileResumeStore(path);
    await Promise.all([a.set("k1", rec("1")), a.set("k2", rec("2")), a.set("k3", rec("3"))]);
    await a.delete("k2");
    const b = new FileResumeStore(path);
    expect((await b.get("k1"))?.assetId).toBe("1");
    expect(await b.get("k2")).toBeUndefined();
    expect((await b.get("k3"))?.assetId).toBe("3");
    expect(await readdir(join(dir, "nested"))).toEqual(["uploads.json"]);
    expect((await stat(path)).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(path, "utf8")).version).toBe(1);
  });
  it("starts afresh from a corrupt file", async () => {
    dir = await mkdtemp(join(tmpdir(), "roughy-store-"));
    const path = join(dir, "uploads.json");
    await (await import("node:fs/promises")).writeFile(path, "{not json");
    const s = new FileResumeStore(path);
    expect(await s.get("k")).toBeUndefined();
    await s.set("k", rec("9"));
    expect((await s.get("k"))?.assetId).toBe("9");
  });
  it("keys on path, size and mtime; defaults under the cache dir", () => {
    expect(resumeKey("/a", 1, 2)).not.toBe(resumeKey("/a", 1, 3));
    expect(defaultResumeStorePath({ XDG_CACHE_HOME: "/c" })).toBe("/c/roughy-mcp/uploads.json");
    expect(defaultResumeStorePath({ ROUGHY_UPLOAD_STORE: "/x.json" })).toBe("/x.json");
  });
});
