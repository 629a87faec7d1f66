// Attack cases for local file access, grouped by kind, on real temporary directories: traversal, symlinks
// out of the allowed dir, sibling-prefix directories, NUL bytes, clobbering, and the upload pre-checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkUploadable, createFileAccess, isInside, parseAllowedDirsEnv, rootUriToPath, type FileAccess } from "./allowed-dirs.js";
import { ToolError } from "../vocabulary/errors.js";

let root: string;
let allowed: string;
let sibling: string;
let files: FileAccess;

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), "roughy-files-")));
  allowed = path.join(root, "media");
  sibling = path.join(root, "media-private"); // shares the prefix "media"
  await mkdir(path.join(allowed, "sub"), { recursive: true });
  await mkdir(sibling);
  await writeFile(path.join(allowed, "clip.mp4"), Buffer.alloc(100, 1));
  await writeFile(path.join(allowed, "small.mp4"), Buffer.alloc(10, 1));
  await writeFile(path.join(sibling, "secret.mp4"), Buffer.alloc(100, 2));
  await symlink(path.join(sibling, "secret.mp4"), path.join(allowed, "link-out.mp4"));
  await symlink(sibling, path.join(allowed, "dir-out"));
  await symlink(path.join(allowed, "clip.mp4"), path.join(allowed, "link-in.mp4"));
  files = createFileAccess({ configured: [allowed], cwd: root });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const refused = async (p: Promise<unknown>, text: string) => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  expect((error as Error).message).toContain(text);
};

describe("containment", () => {
  it("isInside checks dir + separator, not a string prefix", () => {
    expect(isInside("/a/media", "/a/media")).toBe(true);
    expect(isInside("/a/media", "/a/media/x.mp4")).toBe(true);
    expect(isInside("/a/media", "/a/media-private/x.mp4")).toBe(false);
    expect(isInside("/a/media", "/a")).toBe(false);
  });

  it("reads inside, relative paths from the allowed dir, and symlinks that stay inside", async () => {
    expect(await files.resolveReadable(path.join(allowed, "clip.mp4"), "path")).toBe(path.join(allowed, "clip.mp4"));
    expect(await files.resolveReadable("clip.mp4", "path")).toBe(path.join(allowed, "clip.mp4"));
    expect(await files.resolveReadable("link-in.mp4", "path")).toBe(path.join(allowed, "clip.mp4"));
  });

  it("refuses traversal with ..", async () => {
    await refused(files.resolveReadable(path.join(allowed, "..", "media-private", "secret.mp4"), "path"), "outside the allowed directories");
    await refused(files.resolveReadable("../media-private/secret.mp4", "path"), "outside the allowed directories");
    await refused(files.resolveReadable("sub/../../media-private/secret.mp4", "path"), "outside");
  });

  it("refuses a sibling directory that shares the prefix", async () => {
    await refused(files.resolveReadable(path.join(sibling, "secret.mp4"), "path"), allowed);
  });

  it("refuses symlinks (file or directory) that lead out", async () => {
    await refused(files.resolveReadable(path.join(allowed, "link-out.mp4"), "path"), "outside");
    await refused(files.resolveReadable(path.join(allowed, "dir-out", "secret.mp4"), "path"), "outside");
    await refused(files.resolveWritable(path.join(allowed, "dir-out", "new.edl"), "save_to", { overwrite: false }), "outside");
  });

  it("refuses NUL bytes and empty paths", async () => {
    await refused(files.resolveReadable("clip.mp4\0.txt", "path"), "NUL");
    await refused(files.resolveReadable("", "path"), "non-empty");
  });

  it("does not reveal whether a file outside exists", async () => {
    await refused(files.resolveReadable(path.join(sibling, "nothing.mp4"), "path"), "outside");
  });
});

describe("writing", () => {
  it("writes via a temp name and refuses to clobber unless asked", async () => {
    const target = await files.resolveWritable("out.edl", "save_to", { overwrite: false });
    await files.writeAtomic(target, "one", { overwrite: false });
    expect(await readFile(target, "utf8")).toBe("one");
    await refused(files.resolveWritable("out.edl", "save_to", { overwrite: false }), "overwrite: true");
    await refused(files.writeAtomic(target, "two", { overwrite: false }), "overwrite: true");
    expect(await readFile(target, "utf8")).toBe("one");
    await files.writeAtomic(await files.resolveWritable("out.edl", "save_to", { overwrite: true }), "three", { overwrite: true });
    expect(await readFile(target, "utf8")).toBe("three");
    // No temp files left behind.
    expect((await readdir(allowed)).filter((f) => f.endsWith(".part"))).toEqual([]);
  });

  it("refuses a directory as the target and a missing parent", async () => {
    await refused(files.resolveWritable("sub", "save_to", { overwrite: true }), "is a directory");
    await refused(files.resolveWritable("nope/x.edl", "save_to", { overwrite: false }), "does not exist");
  });
});

describe("sources of allowed dirs", () => {
  it("prefers the client's roots, else configured dirs, else the working directory", async () => {
    const withRoots = createFileAccess({ roots: async () => [sibling], configured: [allowed], cwd: root });
    expect(await withRoots.allowedDirs()).toEqual([sibling]);
    const noRoots = createFileAccess({ roots: async () => null, configured: [allowed], cwd: root });
    expect(await noRoots.allowedDirs()).toEqual([allowed]);
    const failing = createFileAccess({ roots: () => Promise.reject(new Error("no")), cwd: allowed });
    expect(await failing.allowedDirs()).toEqual([allowed]);
  });

  it("parses the env list and file:// roots", () => {
    expect(parseAllowedDirsEnv(`/a${path.delimiter}/b${path.delimiter}`)).toEqual(["/a", "/b"]);
    expect(parseAllowedDirsEnv(undefined)).toEqual([]);
    expect(rootUriToPath("file:///home/me/Videos")).toBe("/home/me/Videos");
    expect(rootUriToPath("https://example.com")).toBeNull();
  });
});

describe("upload pre-checks", () => {
  it("accepts a regular file of 64 bytes or more, refuses small files and directories", async () => {
    expect((await checkUploadable(path.join(allowed, "clip.mp4"), "path", "clip.mp4")).size).toBe(100);
    await refused(checkUploadable(path.join(allowed, "small.mp4"), "path", "small.mp4"), "at least 64 bytes");
    await refused(checkUploadable(path.join(allowed, "sub"), "path", "sub"), "not a regular file");
  });
});
