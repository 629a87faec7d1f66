// The file boundary probed through the server as an attacker would, grouped by attack: what a script path
// can read (kernel files, FIFOs, devices, huge files), roots that cannot be used, the whole disk as the
// working directory, and a folder swapped with a symlink in a tight loop while files are saved and read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, realpath, rm, symlink, truncate, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/client";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { createServer } from "../../src/server/create-server.js";
import { FIXTURE_M4A, FIXTURE_MP4, connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";
import { uploadAndCut } from "../helpers/workspace.js";

const SOME_ASSET = "6f1d3c2a-0000-4c7d-a5f4-000000000001";
let sb: TestSandbox;
let work: string;
let outside: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await realpath(await mkdtemp(path.join(tmpdir(), "roughy-mcp-bd-work-")));
  outside = await realpath(await mkdtemp(path.join(tmpdir(), "roughy-mcp-bd-out-")));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  await copyFile(FIXTURE_MP4, path.join(work, "interview.mp4"));
  execFileSync("mkfifo", [path.join(work, "script.fifo")]);
});

afterAll(async () => {
  await sb?.close();
  for (const d of [work, outside]) await rm(d, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

async function cutCount(): Promise<number> {
  const r = await sb.control("GET", "/v1/cuts?limit=1");
  return (r.body as { total: number }).total;
}

describe("script_path", () => {
  it("with cwd / and no roots, /proc/self/environ is refused with how to allow a folder; nothing is sent", async () => {
    const before = await cutCount();
    const conn = await connect({ sandbox: sb.sandbox, server: { cwd: "/", env: {} } });
    try {
      for (const script_path of ["/proc/self/environ", "proc/self/environ", "/etc/hostname"]) {
        const r = await conn.call("cut_to_script", { asset_id: SOME_ASSET, script_path });
        expect(r.isError, script_path).toBe(true);
        expect(textOf(r)).toMatch(/started in \/ \(the whole disk\).*--allow-dir DIR/s);
        expect(textOf(r)).not.toMatch(/sk_|PATH=|HOSTNAME/);
      }
      // Every file tool refuses the same way: reads, writes and the default save folder.
      for (const [tool, args] of [
        ["estimate_cost", { path: "/etc/hostname" }],
        ["upload_media", { path: path.join(work, "interview.mp4"), confirm_cost: true }],
        ["export_cut", { cut_id: SOME_ASSET, format: "srt", save_to: "/tmp/x.srt" }],
        ["download_render", { render_id: SOME_ASSET, save_to: "/tmp/x.mp4" }],
      ] as const) {
        const r = await conn.call(tool, args);
        expect(r.isError, tool).toBe(true);
        expect(textOf(r), tool).toContain("--allow-dir");
      }
    } finally {
      await conn.close();
    }
    expect(await cutCount()).toBe(before);
  });

  it("the home directory as the working directory allows nothing either", async () => {
    const conn = await connect({ sandbox: sb.sandbox, server: { cwd: os.homedir(), env: {} } });
    try {
      const r = await conn.call("estimate_cost", { path: "anything.mp4" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/home directory.*--allow-dir/s);
    } finally {
      await conn.close();
    }
  });

  it("even where / is allowed: kernel files, devices and FIFOs are refused at once, huge files before they are read", async () => {
    const huge = path.join(work, "huge.txt");
    await writeFile(huge, "");
    await truncate(huge, 8 * 1024 ** 3); // sparse: 8 GiB that would take minutes and all memory to read
    const before = await cutCount();
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: ["/"] });
    try {
      const cases: [string, RegExp][] = [
        ["/proc/self/environ", /system file/],
        ["/proc/self/cmdline", /system file/],
        ["/dev/zero", /not a regular file/],
        ["/dev/urandom", /not a regular file/],
        [huge, /more than 100000 characters/],
      ];
      for (const [script_path, why] of cases) {
        const r = await conn.call("cut_to_script", { asset_id: SOME_ASSET, script_path });
        expect(r.isError, script_path).toBe(true);
        expect(textOf(r), script_path).toMatch(why);
      }
      // Eight FIFOs at once (twice libuv's thread pool) and no writer: each answers, and file tools still work.
      const fifos = await Promise.all(Array.from({ length: 8 }, () => conn.call("cut_to_script", { asset_id: SOME_ASSET, script_path: path.join(work, "script.fifo") })));
      for (const r of fifos) expect(textOf(r)).toMatch(/not a regular file/);
      const ok = await conn.call("estimate_cost", { path: path.join(work, "interview.mp4") });
      expect(ok.isError, textOf(ok)).toBeFalsy();
    } finally {
      await conn.close();
    }
    expect(await cutCount()).toBe(before);
  });
});

/** A client whose roots are exactly these URIs (not necessarily usable ones). */
async function withRoots(uris: string[], allowDirs = [work]): Promise<{ call(name: string, args: Record<string, unknown>): Promise<CallToolResult>; close(): Promise<void> }> {
  const server = createServer({ backend: { mode: "remote", apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl }, cwd: work, allowDirs });
  const client = new Client({ name: "roots-test", version: "0" }, { capabilities: { roots: { listChanged: true } } });
  client.setRequestHandler("roots/list", async () => ({ roots: uris.map((uri) => ({ uri })) }));
  const [c, s] = InMemoryTransport.createLinkedPair();
  await server.mcp.connect(s);
  await client.connect(c);
  return {
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

describe("roots", () => {
  it("roots that cannot be used refuse file access with a clear message; the working directory is never the fallback", async () => {
    const cases: [string[], RegExp][] = [
      [["https://example.com/"], /not a file:\/\/ URI/],
      [[work], /not a file:\/\/ URI/],
      [["https://example.com/", pathToFileURL(work).href], /not a file:\/\/ URI/],
      [[`file://evil.example${work}`], /another host \(evil\.example\)/],
      [[`${pathToFileURL(work).href}/x/%2e%2e`], /\.\. segment/],
      [[pathToFileURL(path.join(work, "missing")).href], /not an existing folder/],
    ];
    for (const [uris, why] of cases) {
      const conn = await withRoots(uris);
      try {
        // The file is inside both the working directory and --allow-dir: a fallback would accept it.
        const r = await conn.call("estimate_cost", { path: path.join(work, "interview.mp4") });
        expect(r.isError, String(uris)).toBe(true);
        expect(textOf(r), String(uris)).toMatch(why);
        expect(textOf(r)).toMatch(/add the folder as a root in the MCP client/);
      } finally {
        await conn.close();
      }
    }
    // An empty list names no folder: the operator's explicit --allow-dir applies; without it, nothing (not the
    // working directory, which holds the file too).
    const emptyAllowed = await withRoots([]);
    try {
      const r = await emptyAllowed.call("estimate_cost", { path: path.join(work, "interview.mp4") });
      expect(r.isError, textOf(r)).toBeFalsy();
    } finally {
      await emptyAllowed.close();
    }
    const emptyBare = await withRoots([], []);
    try {
      const r = await emptyBare.call("estimate_cost", { path: path.join(work, "interview.mp4") });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/list of roots is empty/);
    } finally {
      await emptyBare.close();
    }
    const usable = await withRoots([pathToFileURL(work).href]);
    try {
      const r = await usable.call("estimate_cost", { path: path.join(work, "interview.mp4") });
      expect(r.isError, textOf(r)).toBeFalsy();
    } finally {
      await usable.close();
    }
  });
});

describe("check-then-use races", () => {
  it("a folder swapped with a symlink in a tight loop: nothing lands outside, nothing outside is read", async () => {
    const race = path.join(work, "race");
    const sub = path.join(race, "sub");
    await mkdir(sub, { recursive: true });
    await copyFile(FIXTURE_MP4, path.join(sub, "interview.mp4"));
    // Outside: an audio file under the same name, so that reading it shows as media_type audio.
    await copyFile(FIXTURE_M4A, path.join(outside, "interview.mp4"));
    await symlink(outside, path.join(race, "link"));
    const outsideBefore = (await readdir(outside)).sort();

    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [race] });
    const { assetId, cutId } = await uploadAndCut(conn, sb, path.join(sub, "interview.mp4"));
    const render = await conn.call("create_render", { asset_id: assetId, output: "m4a", wait_seconds: 50 });
    const renderId = (render.structuredContent as { render: { id: string } }).render.id;

    // Another process swaps race/sub (the real folder) with race/link (a symlink to outside) in bursts as fast
    // as it can, resting a few milliseconds between bursts (so that some calls also get through whole on a
    // loaded machine) and stopping only between whole swaps.
    const swapper = spawn(process.execPath, [
      "-e",
      `const fs = require("fs"); const [sub, link, aside] = process.argv.slice(1); let n = 0;
       process.on("SIGTERM", () => { process.stdout.write(String(n)); process.exit(0); });
       process.stdout.write("go\\n");
       const batch = () => { for (let k = 0; k < 50; k++) { fs.renameSync(sub, aside); fs.renameSync(link, sub); fs.renameSync(sub, link); fs.renameSync(aside, sub); n++; } setTimeout(batch, 5); };
       batch();`,
      sub,
      path.join(race, "link"),
      path.join(race, "aside"),
    ]);
    let swaps = "";
    try {
      await new Promise<void>((resolve) => swapper.stdout.once("data", () => resolve()));
      const outcomes = { saved: 0, exported: 0, measured: 0, refused: 0 };
      for (let i = 0; i < 20; i++) {
        const d = await conn.call("download_render", { render_id: renderId, save_to: `sub/render-${i}.m4a` });
        if (d.isError) outcomes.refused++;
        else outcomes.saved++;
        const e = await conn.call("export_cut", { cut_id: cutId, format: "edl", save_to: `sub/export-${i}.edl` });
        if (e.isError) outcomes.refused++;
        else outcomes.exported++;
        for (let j = 0; j < 2; j++) {
          const m = await conn.call("estimate_cost", { path: "sub/interview.mp4" });
          if (m.isError) outcomes.refused++;
          else {
            outcomes.measured++;
            expect((m.structuredContent as { media_type: string }).media_type).toBe("video");
          }
        }
      }
      // Uploads read through the same pinned handle: what is declared and sent is the inside file.
      for (let i = 0; i < 4; i++) {
        await sb.control("DELETE", "/sandbox/faults");
        const up = await conn.call("upload_media", { path: "sub/interview.mp4", confirm_cost: true, project_name: `race-${i}`, wait_seconds: 50 });
        if (up.isError) continue;
        const asset = (up.structuredContent as { asset: { media_type: string | null; state: string } }).asset;
        expect(asset.media_type).toBe("video");
      }
      swaps = await new Promise<string>((resolve) => {
        let out = "";
        swapper.stdout.on("data", (c: Buffer) => (out += c.toString()));
        swapper.once("exit", () => resolve(out));
        swapper.kill("SIGTERM");
      });
      // The swaps did happen while the calls ran, and some calls succeeded through them.
      expect(Number(swaps)).toBeGreaterThan(100);
      expect(outcomes.saved + outcomes.exported + outcomes.measured).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    } finally {
      if (swapper.exitCode === null) swapper.kill("SIGKILL");
      await conn.close();
    }
    expect((await readdir(outside)).sort()).toEqual(outsideBefore);
    expect((await readdir(race)).filter((n) => n.endsWith(".part"))).toEqual([]);
    // Generous: about a hundred tool calls against a machine busy with the swaps.
  });
});
