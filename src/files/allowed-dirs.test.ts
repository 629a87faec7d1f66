// Attack cases for local file access, grouped by kind, on real temporary directories: traversal, symlinks
// out of the allowed dir, sibling-prefix directories, NUL bytes and long names, non-regular files, bounded
// reads, what a refusal reveals, where the allowed directories come from, and writes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { checkUploadable, createFileAccess, isInside, parseAllowedDirsEnv, rootUriToPath, type FileAccess } from "./allowed-dirs.js";
import { ToolError } from "../vocabulary/errors.js";
import { registerSecret } from "../secrets.js";

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
  execFileSync("mkfifo", [path.join(allowed, "pipe.txt")]);
  files = createFileAccess({ configured: [allowed], cwd: root });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const failure = async (p: Promise<unknown>): Promise<string> => {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  return (error as Error).message;
};
const refused = async (p: Promise<unknown>, text: string | RegExp) => expect(await failure(p)).toMatch(text);

async function readWhole(input: string): Promise<Buffer> {
  const file = await files.openReadable(input, "path");
  try {
    return await readFile(file.path);
  } finally {
    await file.close();
  }
}

describe("containment", () => {
  it("isInside checks dir + separator, not a string prefix", () => {
    expect(isInside("/a/media", "/a/media")).toBe(true);
    expect(isInside("/a/media", "/a/media/x.mp4")).toBe(true);
    expect(isInside("/a/media", "/a/media-private/x.mp4")).toBe(false);
    expect(isInside("/a/media", "/a")).toBe(false);
  });

  it("opens inside, relative paths from the allowed dir, and symlinks that stay inside", async () => {
    for (const p of [path.join(allowed, "clip.mp4"), "clip.mp4", "link-in.mp4", "sub/../clip.mp4"]) {
      const file = await files.openReadable(p, "path");
      expect(file.realPath).toBe(path.join(allowed, "clip.mp4"));
      expect(file.size).toBe(100);
      await file.close();
    }
    expect(await readWhole("link-in.mp4")).toEqual(Buffer.alloc(100, 1));
  });
});

describe("traversal", () => {
  it("refuses .. out of the allowed dir, absolute and relative", async () => {
    await refused(files.openReadable(path.join(allowed, "..", "media-private", "secret.mp4"), "path"), "outside the allowed directories");
    await refused(files.openReadable("../media-private/secret.mp4", "path"), "outside the allowed directories");
    await refused(files.openReadable("sub/../../media-private/secret.mp4", "path"), "outside");
    await refused(files.resolveWritable("../escape.edl", "save_to", { overwrite: false }), "outside");
  });

  it("refuses a sibling directory that shares the prefix", async () => {
    await refused(files.openReadable(path.join(sibling, "secret.mp4"), "path"), `Allowed directories: ${allowed}`);
  });
});

describe("symlinks", () => {
  it("refuses symlinks (file or directory) that lead out, for reads and writes", async () => {
    await refused(files.openReadable(path.join(allowed, "link-out.mp4"), "path"), "outside");
    await refused(files.openReadable(path.join(allowed, "dir-out", "secret.mp4"), "path"), "outside");
    await refused(files.resolveWritable(path.join(allowed, "dir-out", "new.edl"), "save_to", { overwrite: false }), "outside");
    await refused(files.readText("link-out.mp4", "script_path", 1000), "outside");
  });

  it("a write over a symlink replaces the link, never the file it points to", async () => {
    await writeFile(path.join(sibling, "target.txt"), "outside");
    await symlink(path.join(sibling, "target.txt"), path.join(allowed, "planted.txt"));
    // resolveWritable's own check saw the link as an existing name; writeAtomic is the last line.
    await files.writeAtomic(path.join(allowed, "planted.txt"), "inside", { overwrite: true });
    expect(await readFile(path.join(sibling, "target.txt"), "utf8")).toBe("outside");
    expect(await readFile(path.join(allowed, "planted.txt"), "utf8")).toBe("inside");
  });
});

describe("malformed input", () => {
  it("refuses NUL bytes, empty and over-long paths, and names longer than 255 bytes", async () => {
    await refused(files.openReadable("clip.mp4\0.txt", "path"), "NUL");
    await refused(files.openReadable("", "path"), "non-empty");
    await refused(files.openReadable("a/".repeat(2100), "path"), "characters long");
    await refused(files.resolveWritable("x".repeat(300) + ".edl", "save_to", { overwrite: false }), "at most 255 bytes");
    // A 2 MB path is not echoed whole.
    const message = await failure(files.openReadable("y".repeat(2_000_000), "path"));
    expect(message.length).toBeLessThan(400);
  });
});

describe("non-regular files", () => {
  it("refuses a FIFO at once (no thread waits for a writer), a folder and devices", async () => {
    await refused(files.openReadable("pipe.txt", "path"), "not a regular file");
    await refused(files.readText("pipe.txt", "script_path", 1000), "not a regular file");
    await refused(files.openReadable("sub", "path"), "not a regular file");
    const everything = createFileAccess({ configured: ["/"], cwd: root });
    await refused(everything.openReadable("/dev/zero", "path"), "not a regular file");
    await refused(everything.readText("/dev/urandom", "script_path", 1000), "not a regular file");
  });

  it("refuses /proc and /sys files even where / is allowed", async () => {
    if (process.platform !== "linux") return;
    const everything = createFileAccess({ configured: ["/"], cwd: root });
    await refused(everything.readText("/proc/self/environ", "script_path", 100_000), "system file");
    await refused(everything.openReadable("/proc/self/status", "path"), "system file");
    await refused(everything.openReadable("/sys/kernel/mm/transparent_hugepage/enabled", "path"), /system file|does not exist/);
  });
});

describe("bounded reads", () => {
  it("reads a text file up to the limit and refuses a longer one without reading it all", async () => {
    await writeFile(path.join(allowed, "script.txt"), "Thanks for having me.\n");
    expect(await files.readText("script.txt", "script_path", 100)).toBe("Thanks for having me.\n");
    await writeFile(path.join(allowed, "long.txt"), "a".repeat(101));
    await refused(files.readText("long.txt", "script_path", 100), "more than 100 characters");
    // 100 three-byte characters are 300 bytes but 100 characters: allowed.
    await writeFile(path.join(allowed, "wide.txt"), "€".repeat(100));
    expect((await files.readText("wide.txt", "script_path", 100)).length).toBe(100);
    await writeFile(path.join(allowed, "binary.txt"), Buffer.from([0x41, 0, 0x42]));
    await refused(files.readText("binary.txt", "script_path", 100), "not a text file");
    await writeFile(path.join(allowed, "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await refused(files.readText("latin1.txt", "script_path", 100), "not UTF-8");
  });

  it("refuses a text file that holds a guarded secret", async () => {
    const key = "sk_live_unittestsecret0123456789";
    const release = registerSecret(key);
    try {
      await writeFile(path.join(allowed, "env.txt"), `HOME=/root\nROUGHY_API_KEY=${key}\n`);
      await refused(files.readText("env.txt", "script_path", 1000), "secret");
    } finally {
      release();
    }
    expect(await files.readText("env.txt", "script_path", 1000)).toContain("HOME=");
  });
});

describe("what a refusal reveals", () => {
  it("says 'outside' alike for outside files that exist and that do not", async () => {
    const cases = [
      [path.join(sibling, "secret.mp4"), path.join(sibling, "nothing.mp4")],
      [path.join(allowed, "dir-out", "secret.mp4"), path.join(allowed, "dir-out", "nothing.mp4")],
      [path.join(allowed, "dir-out", "secret.mp4"), path.join(allowed, "dir-out", "no", "such", "dir.mp4")],
    ];
    for (const [exists, missing] of cases) {
      const a = (await failure(files.openReadable(exists!, "path"))).replace(exists!, "X");
      const b = (await failure(files.openReadable(missing!, "path"))).replace(missing!, "X");
      expect(a).toBe(b);
      expect(a).toContain("outside");
    }
    await refused(files.openReadable("sub/missing.mp4", "path"), "does not exist");
  });
});

describe("sources of allowed dirs", () => {
  it("prefers the client's roots, else configured dirs, else the working directory", async () => {
    const withRoots = createFileAccess({ roots: async () => ({ uris: [pathToFileURL(sibling).href] }), configured: [allowed], cwd: root });
    expect(await withRoots.allowedDirs()).toEqual([sibling]);
    const noRoots = createFileAccess({ roots: async () => null, configured: [allowed], cwd: root });
    expect(await noRoots.allowedDirs()).toEqual([allowed]);
    const bare = createFileAccess({ cwd: allowed, home: sibling });
    expect(await bare.allowedDirs()).toEqual([allowed]);
  });

  it("refuses, never falls back, when the client's roots cannot be used", async () => {
    const unusable: [string[] | null, RegExp][] = [
      [["https://example.com/"], /not a file:\/\/ URI/],
      [[allowed], /not a file:\/\/ URI/],
      [[`file://evil.example${allowed}`], /another host/],
      [[`${pathToFileURL(allowed).href}/sub/%2e%2e/%2E%2E/media-private`], /\.\. segment/],
      [[`${pathToFileURL(allowed).href}/../media-private`], /\.\. segment/],
      [[pathToFileURL(path.join(root, "does-not-exist")).href], /not an existing folder/],
    ];
    for (const [uris, why] of unusable) {
      const access = createFileAccess({ roots: async () => ({ uris: uris ?? [] }), configured: [allowed], cwd: allowed });
      expect(await access.allowedDirs(), String(uris)).toEqual([]);
      const message = await failure(access.openReadable(path.join(allowed, "clip.mp4"), "path"));
      expect(message, String(uris)).toMatch(why);
      expect(message).toContain("--allow-dir");
      await refused(access.resolveWritable(path.join(allowed, "x.edl"), "save_to", { overwrite: false }), why);
      await refused(access.defaultDir(), why);
    }
    // An empty list names no folder: the operator's explicit --allow-dir applies, the working directory never.
    expect(await createFileAccess({ roots: async () => ({ uris: [] }), configured: [allowed], cwd: root }).allowedDirs()).toEqual([allowed]);
    const emptyBare = createFileAccess({ roots: async () => ({ uris: [] }), cwd: allowed, home: sibling });
    expect(await emptyBare.allowedDirs()).toEqual([]);
    await refused(emptyBare.openReadable(path.join(allowed, "clip.mp4"), "path"), /list of roots is empty/);
    const failing = createFileAccess({ roots: () => Promise.reject(new Error("timed out")), configured: [allowed], cwd: allowed });
    await refused(failing.openReadable("clip.mp4", "path"), /could not be listed \(timed out\)/);
    // A usable root next to unusable ones: exactly the usable one.
    const mixed = createFileAccess({ roots: async () => ({ uris: ["https://example.com/", pathToFileURL(allowed).href] }), cwd: root });
    expect(await mixed.allowedDirs()).toEqual([allowed]);
  });

  it("never takes / or the home directory as an implicit allowed directory", async () => {
    for (const cwd of ["/", sibling, root]) {
      // root is above the (pretend) home directory sibling: it would contain all of it.
      const access = createFileAccess({ cwd, home: sibling });
      expect(await access.allowedDirs(), cwd).toEqual([]);
      const message = await failure(access.openReadable(path.join(allowed, "clip.mp4"), "path"));
      expect(message).toMatch(cwd === "/" ? /started in \/ \(the whole disk\)/ : /home directory/);
      expect(message).toMatch(/--allow-dir DIR \(or ROUGHY_ALLOWED_DIRS\), or add the folder as a root/);
    }
    // Named explicitly, the same folders are allowed.
    expect(await createFileAccess({ cwd: "/", configured: [allowed], home: sibling }).allowedDirs()).toEqual([allowed]);
  });

  it("parses the env list and file:// roots", () => {
    expect(parseAllowedDirsEnv(`/a${path.delimiter}/b${path.delimiter}`)).toEqual(["/a", "/b"]);
    expect(parseAllowedDirsEnv(undefined)).toEqual([]);
    expect(rootUriToPath("file:///home/me/Videos")).toEqual({ path: "/home/me/Videos" });
    expect(rootUriToPath("file://localhost/home/me/My%20Videos")).toEqual({ path: "/home/me/My Videos" });
    expect(rootUriToPath("https://example.com")).toHaveProperty("unusable");
    expect(rootUriToPath("file:///home/me/a%2Fb")).toHaveProperty("unusable");
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
    // A streamed write that fails leaves nothing; one that succeeds lands whole.
    await expect(files.writeVia(path.join(allowed, "failed.bin"), { overwrite: false }, async (temp) => {
      await writeFile(temp, "partial");
      throw new Error("network gone");
    })).rejects.toThrow("network gone");
    expect(await files.writeVia(path.join(allowed, "done.bin"), { overwrite: false }, async (temp) => writeFile(temp, "whole").then(() => 5))).toBe(5);
    expect(await readFile(path.join(allowed, "done.bin"), "utf8")).toBe("whole");
    const names = await readdir(allowed);
    expect(names).not.toContain("failed.bin");
    expect(names.filter((f) => f.endsWith(".part"))).toEqual([]);
  });

  it("refuses a directory as the target, a missing parent, and a target outside at write time", async () => {
    await refused(files.resolveWritable("sub", "save_to", { overwrite: true }), "is a directory");
    await refused(files.resolveWritable("nope/x.edl", "save_to", { overwrite: false }), "does not exist");
    await refused(files.writeAtomic(path.join(sibling, "x.edl"), "x", { overwrite: false }), "outside");
  });
});

describe("upload pre-checks", () => {
  it("accepts a file of 64 bytes or more, refuses smaller ones", () => {
    expect(() => checkUploadable({ size: 100 }, "path", "clip.mp4")).not.toThrow();
    expect(() => checkUploadable({ size: 10 }, "path", "small.mp4")).toThrow("at least 64 bytes");
  });
});
