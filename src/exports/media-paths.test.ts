// The asset → local file memory on a real temporary directory: kept per asset id across instances (a later
// session), never confused by a shared file name, and an unreadable file is an empty memory, not an error.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileMediaPathStore, defaultMediaPathStorePath } from "./media-paths.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "media-paths-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("FileMediaPathStore", () => {
  it("keeps each asset's own path, even for two files of the same name, across instances", async () => {
    const file = join(dir, "nested", "media-paths.json");
    const a = new FileMediaPathStore(file);
    await Promise.all([a.set("asset-1", "/Volumes/A/day1/take.mov"), a.set("asset-2", "/Volumes/A/day2/take.mov")]);
    const b = new FileMediaPathStore(file);
    expect(await b.get("asset-1")).toBe("/Volumes/A/day1/take.mov");
    expect(await b.get("asset-2")).toBe("/Volumes/A/day2/take.mov");
    expect(await b.get("asset-3")).toBeUndefined();
    expect(Object.keys(JSON.parse(await readFile(file, "utf8")).paths)).toEqual(["asset-1", "asset-2"]);
  });

  it("reads an unreadable file as empty and replaces it on the next write", async () => {
    const file = join(dir, "media-paths.json");
    await writeFile(file, "{not json");
    const s = new FileMediaPathStore(file);
    expect(await s.get("asset-1")).toBeUndefined();
    await s.set("asset-1", "C:\\Media\\take.mov");
    expect(await new FileMediaPathStore(file).get("asset-1")).toBe("C:\\Media\\take.mov");
  });

  it("sits beside the upload resume store", () => {
    expect(defaultMediaPathStorePath({ ROUGHY_UPLOAD_STORE: "/tmp/x/uploads.json" })).toBe("/tmp/x/media-paths.json");
  });
});
