// File access through the server: the allowed directories come from the client's roots, else --allow-dir,
// else the working directory; symlinks and `..` are resolved before the check; refusals name the allowed
// directories; uploads refuse directories, devices, FIFOs, empty and sub-64-byte files before any asset
// exists; downloads never clobber unless asked and land under a temp name first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIXTURE_MP4, FIXTURE_TRUTH, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let work: string;
let other: string;
let outside: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

async function assetCount(conn: Connected): Promise<number> {
  const r = await conn.call("roughy_list", { kind: "assets" });
  return (r.structuredContent as { total: number }).total;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await realpath(await mkdtemp(path.join(tmpdir(), "roughy-mcp-fa-work-")));
  other = await realpath(await mkdtemp(path.join(tmpdir(), "roughy-mcp-fa-other-")));
  outside = await realpath(await mkdtemp(path.join(tmpdir(), "roughy-mcp-fa-out-")));
  process.env.ROUGHY_UPLOAD_STORE = path.join(outside, ".uploads.json");
  await copyFile(FIXTURE_MP4, path.join(work, "interview.mp4"));
  await copyFile(FIXTURE_MP4, path.join(other, "interview.mp4"));
  await copyFile(FIXTURE_MP4, path.join(outside, "secret.mp4"));
  await writeFile(path.join(work, "empty.mp4"), "");
  await writeFile(path.join(work, "small.mp4"), Buffer.alloc(63, 1));
  await mkdir(path.join(work, "folder.mp4"));
  execFileSync("mkfifo", [path.join(work, "pipe.mp4")]);
  await symlink(path.join(outside, "secret.mp4"), path.join(work, "link-out.mp4"));
  await symlink(path.join(work, "interview.mp4"), path.join(work, "link-in.mp4"));
});

afterAll(async () => {
  await sb?.close();
  for (const d of [work, other, outside]) await rm(d, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

describe("file access through the server", () => {
  it("upload refuses directories, devices, FIFOs, empty and tiny files before any asset is created", async () => {
    // /dev is allowed here only so that the device check itself is reached.
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [work, "/dev"] });
    try {
      const before = await assetCount(conn);
      const cases: [string, RegExp][] = [
        ["folder.mp4", /not a regular file/],
        ["/dev/zero", /not a regular file/],
        ["pipe.mp4", /not a regular file/],
        ["empty.mp4", /is 0 bytes.*at least 64/],
        ["small.mp4", /is 63 bytes.*at least 64/],
      ];
      for (const [p, why] of cases) {
        for (const tool of ["upload_media", "estimate_cost"]) {
          const r = await conn.call(tool, tool === "upload_media" ? { path: p, confirm_cost: true } : { path: p });
          expect(r.isError, `${tool} ${p}`).toBe(true);
          expect(textOf(r), `${tool} ${p}`).toMatch(why);
          expect(textOf(r)).toContain("path");
        }
      }
      expect(await assetCount(conn)).toBe(before);
    } finally {
      await conn.close();
    }
  });

  it("symlinks and .. are resolved before the check; refusals name the allowed directories", async () => {
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [work] });
    try {
      for (const p of ["link-out.mp4", "../" + path.basename(outside) + "/secret.mp4", path.join(outside, "secret.mp4"), `${work}/../${path.basename(outside)}/secret.mp4`]) {
        const r = await conn.call("estimate_cost", { path: p });
        expect(r.isError, p).toBe(true);
        expect(textOf(r), p).toContain("outside the allowed directories");
        expect(textOf(r), p).toContain(`Allowed directories: ${work}`);
      }
      const inside = await conn.call("estimate_cost", { path: "link-in.mp4" });
      expect(inside.isError, textOf(inside)).toBeFalsy();
      const dotted = await conn.call("estimate_cost", { path: `${work}/folder.mp4/../interview.mp4` });
      expect(dotted.isError, textOf(dotted)).toBeFalsy();
    } finally {
      await conn.close();
    }
  });

  it("the client's roots win over --allow-dir, which wins over the working directory", async () => {
    const withRoots = await connect({ sandbox: sb.sandbox, roots: [other], allowDirs: [work] });
    try {
      expect((await withRoots.call("estimate_cost", { path: path.join(other, "interview.mp4") })).isError).toBeFalsy();
      const r = await withRoots.call("estimate_cost", { path: path.join(work, "interview.mp4") });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain(`Allowed directories: ${other}`);
    } finally {
      await withRoots.close();
    }
    const configured = await connect({ sandbox: sb.sandbox, allowDirs: [work], server: { cwd: other } });
    try {
      expect((await configured.call("estimate_cost", { path: path.join(work, "interview.mp4") })).isError).toBeFalsy();
      expect((await configured.call("estimate_cost", { path: path.join(other, "interview.mp4") })).isError).toBe(true);
    } finally {
      await configured.close();
    }
    const bare = await connect({ sandbox: sb.sandbox, server: { cwd: other, env: {} } });
    try {
      expect((await bare.call("estimate_cost", { path: "interview.mp4" })).isError).toBeFalsy();
      const r = await bare.call("estimate_cost", { path: path.join(work, "interview.mp4") });
      expect(textOf(r)).toContain(`Allowed directories: ${other}`);
    } finally {
      await bare.close();
    }
  });

  it("a download never clobbers unless asked, and leaves no temp file behind", async () => {
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [work] });
    try {
      const up = await conn.call("upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 50 });
      expect(up.isError, textOf(up)).toBeFalsy();
      const assetId = (up.structuredContent as { asset: { id: string } }).asset.id;
      const truth = JSON.parse(await readFile(FIXTURE_TRUTH, "utf8")) as { words: unknown[] };
      await sb.control("PUT", `/sandbox/assets/${assetId}/transcript`, { words: truth.words });
      const render = await conn.call("create_render", { asset_id: assetId, output: "m4a", wait_seconds: 50 });
      const renderId = (render.structuredContent as { render: { id: string; state: string } }).render.id;
      const target = path.join(work, "keep.m4a");
      await writeFile(target, "precious");
      const refused = await conn.call("download_render", { render_id: renderId, save_to: "keep.m4a" });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain("overwrite");
      expect(await readFile(target, "utf8")).toBe("precious");
      const forced = await conn.call("download_render", { render_id: renderId, save_to: "keep.m4a", overwrite: true });
      expect(forced.isError, textOf(forced)).toBeFalsy();
      expect((await readFile(target)).length).toBe((forced.structuredContent as { bytes: number }).bytes);
      expect((await readdir(work)).filter((n) => n.endsWith(".part"))).toEqual([]);
      // A symlink named as the target that leads out is not followed out of the allowed directory.
      await symlink(path.join(outside, "written.m4a"), path.join(work, "escape.m4a"));
      const escape = await conn.call("download_render", { render_id: renderId, save_to: "escape.m4a", overwrite: true });
      expect(escape.isError).toBeFalsy();
      expect((await readdir(outside)).includes("written.m4a")).toBe(false);
    } finally {
      await conn.close();
    }
  });
});
